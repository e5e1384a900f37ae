/*
 * legacy-commit.c - test helper: an iptables-legacy commit held open
 * between its two steps. libiptc commits with IPT_SO_SET_REPLACE (the
 * kernel installs the new table with every counter cleared) and then
 * IPT_SO_SET_ADD_COUNTERS (the old counters put back); a reader between
 * the two sees a table with no history. This replaces the IPv4 table
 * named on the command line with itself, prints "replaced", waits for a
 * line on stdin, then adds the old counters back and prints "restored".
 * Run it only inside a namespace the test made.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	struct ipt_getinfo gi;
	struct ipt_get_entries *ge;
	struct ipt_replace *rep;
	struct xt_counters_info *ci;
	socklen_t sl = sizeof(gi);
	char line[16];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: legacy-commit TABLE\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		die("socket");
	memset(&gi, 0, sizeof(gi));
	snprintf(gi.name, sizeof(gi.name), "%s", argv[1]);
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, &gi, &sl) < 0)
		die("IPT_SO_GET_INFO");
	ge = calloc(1, sizeof(*ge) + gi.size);
	rep = calloc(1, sizeof(*rep) + gi.size);
	ci = calloc(1, sizeof(*ci) + gi.num_entries * sizeof(struct xt_counters));
	if (!ge || !rep || !ci)
		die("calloc");
	snprintf(ge->name, sizeof(ge->name), "%s", argv[1]);
	ge->size = gi.size;
	sl = sizeof(*ge) + gi.size;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_ENTRIES, ge, &sl) < 0)
		die("IPT_SO_GET_ENTRIES");

	memcpy(rep->name, gi.name, sizeof(rep->name));
	rep->valid_hooks = gi.valid_hooks;
	rep->num_entries = gi.num_entries;
	rep->size = gi.size;
	memcpy(rep->hook_entry, gi.hook_entry, sizeof(rep->hook_entry));
	memcpy(rep->underflow, gi.underflow, sizeof(rep->underflow));
	rep->num_counters = gi.num_entries;
	rep->counters = ci->counters;	/* the kernel hands the old counters back here */
	memcpy(rep->entries, ge->entrytable, gi.size);
	if (setsockopt(fd, IPPROTO_IP, IPT_SO_SET_REPLACE, rep, sizeof(*rep) + gi.size) < 0)
		die("IPT_SO_SET_REPLACE");
	printf("replaced\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';

	memcpy(ci->name, gi.name, sizeof(ci->name));
	ci->num_counters = gi.num_entries;
	if (setsockopt(fd, IPPROTO_IP, IPT_SO_SET_ADD_COUNTERS, ci,
		       sizeof(*ci) + gi.num_entries * sizeof(struct xt_counters)) < 0)
		die("IPT_SO_SET_ADD_COUNTERS");
	printf("restored\n");
	fflush(stdout);
	free(ge);
	free(rep);
	free(ci);
	close(fd);
	return 0;
}
