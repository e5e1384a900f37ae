/*
 * ct-floor.c - the bare-netlink floor for reading the conntrack table: one
 * IPCTNL_MSG_CT_GET dump (every l3 family, like iptop's collector), libmnl
 * only, counting the entries and summing both directions' counters
 * (CTA_COUNTERS_ORIG/REPLY). Prints "entries packets bytes". No tuple is
 * decoded and nothing is kept: what no conntrack reader can beat. bench/run
 * compares iptop, `conntrack -L` and `iptstate -1` against it.
 *
 *   ct-floor [-n N]   N dumps on one open socket (default 1), so bench/run
 *                     can take the in-process cost per dump as
 *                     (cost of -n 11 - cost of -n 1) / 10.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

static unsigned long long nentries, pk, by;

static void counters(const struct nlattr *nest)
{
	const struct nlattr *c;

	mnl_attr_for_each_nested(c, nest) {
		if (mnl_attr_get_type(c) == CTA_COUNTERS_PACKETS)
			pk += be64toh(mnl_attr_get_u64(c));
		else if (mnl_attr_get_type(c) == CTA_COUNTERS_BYTES)
			by += be64toh(mnl_attr_get_u64(c));
	}
}

static int entry_cb(const struct nlmsghdr *nlh, void *d)
{
	const struct nlattr *a;

	(void)d;
	nentries++;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == CTA_COUNTERS_ORIG || mnl_attr_get_type(a) == CTA_COUNTERS_REPLY)
			counters(a);
	return MNL_CB_OK;
}

static int dump(struct mnl_socket *nl)
{
	static char buf[65536];
	static unsigned int nseq;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	unsigned int seq = (unsigned int)time(NULL) + nseq++, portid = mnl_socket_get_portid(nl);
	ssize_t n;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("sendto");
		return -1;
	}
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int r = mnl_cb_run(buf, (size_t)n, seq, portid, entry_cb, NULL);

		if (r < 0) {
			perror("dump");
			return -1;
		}
		if (r == MNL_CB_STOP)
			return 0;
	}
	perror("recv");
	return -1;
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int polls = 1, o, p;

	while ((o = getopt(argc, argv, "n:")) != -1) {
		if (o == 'n') {
			polls = atoi(optarg);
		} else {
			fprintf(stderr, "usage: ct-floor [-n DUMPS]\n");
			return 2;
		}
	}
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		return 1;
	}
	for (p = 0; p < polls; p++) {
		nentries = pk = by = 0;
		if (dump(nl) < 0)
			return 1;
	}
	printf("%llu %llu %llu\n", nentries, pk, by);
	mnl_socket_close(nl);
	return 0;
}
