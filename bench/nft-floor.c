/*
 * nft-floor.c - the bare-netlink floor for reading firewall counters: one
 * NFT_MSG_GETRULE dump (or, with -c, GETCHAIN then one GETRULE per chain),
 * libmnl only, summing every counter. Prints "rules packets bytes". This
 * is what no tool can beat; bench/run compares iptop against it.
 *
 *   nft-floor [-c] [-n N]   N polls on one open socket (default 1), so
 *                           bench/run can take the in-process cost per poll
 *                           as (cost of -n 21 - cost of -n 1) / 20.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

static unsigned long long nrules, pk, by;
static char chains[65536][2][64];
static int fams[65536];
static int nchains;

static int expr_cb(const struct nlattr *e, void *d)
{
	const struct nlattr *x, *name = NULL, *data = NULL, *c;

	mnl_attr_for_each_nested(x, e) {
		if (mnl_attr_get_type(x) == NFTA_EXPR_NAME)
			name = x;
		else if (mnl_attr_get_type(x) == NFTA_EXPR_DATA)
			data = x;
	}
	if (name && data && strcmp(mnl_attr_get_str(name), "counter") == 0)
		mnl_attr_for_each_nested(c, data) {
			if (mnl_attr_get_type(c) == NFTA_COUNTER_PACKETS)
				pk += be64toh(mnl_attr_get_u64(c));
			else if (mnl_attr_get_type(c) == NFTA_COUNTER_BYTES)
				by += be64toh(mnl_attr_get_u64(c));
		}
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *d)
{
	const struct nlattr *a;

	nrules++;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == NFTA_RULE_EXPRESSIONS) {
			const struct nlattr *e;

			mnl_attr_for_each_nested(e, a)
				expr_cb(e, d);
		}
	return MNL_CB_OK;
}

static int chain_cb(const struct nlmsghdr *nlh, void *d)
{
	const struct nlattr *a;
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	if (nchains >= 65536)
		return MNL_CB_OK;
	fams[nchains] = g->nfgen_family;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_CHAIN_TABLE)
			snprintf(chains[nchains][0], 64, "%s", mnl_attr_get_str(a));
		else if (mnl_attr_get_type(a) == NFTA_CHAIN_NAME)
			snprintf(chains[nchains][1], 64, "%s", mnl_attr_get_str(a));
	}
	nchains++;
	return MNL_CB_OK;
}

static void run(struct mnl_socket *nl, int msg, int family, const char *table, const char *chain,
		mnl_cb_t cb)
{
	static char buf[65536];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	static unsigned int nseq;
	unsigned int seq = (unsigned int)time(NULL) + nseq++, portid = mnl_socket_get_portid(nl);
	int n;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	if (table) {
		mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
		mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("sendto");
		exit(1);
	}
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int r = mnl_cb_run(buf, n, seq, portid, cb, NULL);

		if (r <= 0) {
			if (r < 0)
				perror("dump");
			break;
		}
	}
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int per_chain = 0, polls = 1, o, p;

	while ((o = getopt(argc, argv, "cn:")) != -1) {
		if (o == 'c')
			per_chain = 1;
		else if (o == 'n')
			polls = atoi(optarg);
		else {
			fprintf(stderr, "usage: nft-floor [-c] [-n POLLS]\n");
			return 2;
		}
	}
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		return 1;
	}
	for (p = 0; p < polls; p++) {
		nrules = pk = by = 0;
		nchains = 0;
		if (per_chain) {
			int i;

			run(nl, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NULL, NULL, chain_cb);
			for (i = 0; i < nchains; i++)
				run(nl, NFT_MSG_GETRULE, fams[i], chains[i][0], chains[i][1], rule_cb);
		} else {
			run(nl, NFT_MSG_GETRULE, NFPROTO_UNSPEC, NULL, NULL, rule_cb);
		}
	}
	printf("%llu %llu %llu\n", nrules, pk, by);
	mnl_socket_close(nl);
	return 0;
}
