/*
 * nl-ipset.c - ipset names by index, as the kernel's ipset core gives them
 * to iptables (getsockopt(SOL_IP, SO_IP_SET, IP_SET_OP_GET_BYINDEX) on a
 * raw socket, in the calling thread's network namespace), and a cache of
 * them. The `-m set` / `-j SET` blobs hold only the index, so this is what
 * lets rule text name the set (rule_text_ipset_names()).
 *
 * It is not netlink (the ipset netlink protocol lists sets, it does not
 * map indexes) and it formats nothing. Needs CAP_NET_ADMIN (EPERM
 * otherwise); without the ip_set module the socket option is unknown
 * (ENOPROTOOPT) and nothing is loaded on its behalf.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netfilter/ipset/ip_set.h>

#include "iptop.h"
#include "nl.h"

int nlipset_name(uint16_t index, char *buf, size_t len)
{
	struct ip_set_req_version ver = { .op = IP_SET_OP_VERSION };
	struct ip_set_req_get_set req;
	socklen_t size = sizeof(ver);
	int fd, err = 0;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	buf[0] = '\0';
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return -1;
	/* every request but VERSION carries the protocol version the
	 * kernel speaks, so ask it first (as libxt_set does) */
	if (getsockopt(fd, SOL_IP, SO_IP_SET, &ver, &size) < 0) {
		err = errno;
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.op = IP_SET_OP_GET_BYINDEX;
	req.version = ver.version;
	req.set.index = index;
	size = sizeof(req);
	if (getsockopt(fd, SOL_IP, SO_IP_SET, &req, &size) < 0) {
		err = errno;
		goto out;
	}
	if (size != sizeof(req) || req.set.name[0] == '\0') {
		err = ENOENT;	/* no set at that index */
		goto out;
	}
	req.set.name[IPSET_MAXNAMELEN - 1] = '\0';
	snprintf(buf, len, "%s", req.set.name);
out:
	close(fd);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* One looked-up index: state 0 unknown, 1 named, 2 failed. */
struct nlipset_slot {
	uint8_t state;
	char name[IPSET_MAXNAMELEN];
};

struct nlipset_cache {
	struct nlipset_slot *slots;
	size_t n;
};

struct nlipset_cache *nlipset_cache_new(void)
{
	return xcalloc(1, sizeof(struct nlipset_cache));
}

void nlipset_cache_free(struct nlipset_cache *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c);
}

void nlipset_cache_clear(struct nlipset_cache *c)
{
	if (c && c->slots)
		memset(c->slots, 0, c->n * sizeof(*c->slots));
}

const char *nlipset_cache_name(struct nlipset_cache *c, uint16_t index)
{
	struct nlipset_slot *s;

	if (index >= c->n) {
		size_t n = (size_t)index + 1;

		c->slots = xreallocarray(c->slots, n, sizeof(*c->slots));
		memset(c->slots + c->n, 0, (n - c->n) * sizeof(*c->slots));
		c->n = n;
	}
	s = &c->slots[index];
	if (s->state == 0)
		s->state = nlipset_name(index, s->name, sizeof(s->name)) == 0 ? 1 : 2;
	return s->state == 1 ? s->name : NULL;
}
