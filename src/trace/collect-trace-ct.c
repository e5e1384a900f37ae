/*
 * collect-trace-ct.c - one conntrack GET for a traced packet whose NAT
 * the trace events cannot show: a connection's source NAT happens after
 * the last event of its original-direction packet, and is only seen in
 * the reply's headers. When the reply was not traced (rate limit, --trace-dir
 * orig, a filter it does not match) the connection's reply tuple says
 * it. Asked by the packet's original tuple (its headers as first seen,
 * before NAT) and checked against its conntrack id.
 *
 * Does not keep a conntrack mirror (collect-conntrack.c does) nor decide
 * what the answer means for the packet (trace-complete.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "iptop.h"
#include "nl.h"
#include "trace.h"
#include "trace-int.h"

struct collect_trace_ct {
	struct nlsock *sock;
};

struct collect_trace_ct *collect_trace_ct_open(void)
{
	struct collect_trace_ct *c = xcalloc(1, sizeof(*c));

	c->sock = nlsock_open(NETLINK_NETFILTER);
	if (!c->sock) {
		free(c);
		return NULL;
	}
	return c;
}

void collect_trace_ct_close(struct collect_trace_ct *c)
{
	if (!c)
		return;
	nlsock_close(c->sock);
	free(c);
}

/* The original tuple of p's connection, from its headers as first seen. */
static bool set_orig_tuple(struct nf_conntrack *ct, const struct trace_hdr *h)
{
	uint8_t a[16], b[16];
	bool v4 = h->nfproto == NFPROTO_IPV4;

	if (inet_pton(v4 ? AF_INET : AF_INET6, h->src, a) != 1 || inet_pton(v4 ? AF_INET : AF_INET6, h->dst, b) != 1)
		return false;
	nfct_set_attr_u8(ct, ATTR_L3PROTO, v4 ? AF_INET : AF_INET6);
	nfct_set_attr(ct, v4 ? ATTR_IPV4_SRC : ATTR_IPV6_SRC, a);
	nfct_set_attr(ct, v4 ? ATTR_IPV4_DST : ATTR_IPV6_DST, b);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, h->proto);
	if (h->has_ports) {
		nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(h->sport));
		nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(h->dport));
	} else if (h->has_icmp_id) {
		nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, h->icmp_type);
		nfct_set_attr_u8(ct, ATTR_ICMP_CODE, h->icmp_code);
		nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(h->icmp_id));
	} else {
		return false; /* no tuple iptop can name */
	}
	return true;
}

static void addr_text(const struct nf_conntrack *ct, bool v4, int a4, int a6, char *out)
{
	inet_ntop(v4 ? AF_INET : AF_INET6, nfct_get_attr(ct, v4 ? a4 : a6), out, 46);
}

int collect_trace_ct_lookup(const struct trace_packet *p, struct trace_ct_tuples *t, void *arg)
{
	struct collect_trace_ct *c = arg;
	char buf[1024];
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	struct nf_conntrack *ct = nfct_new(), *got = NULL;
	struct nlbuf out = { 0 };
	const struct nlmsghdr *m;
	bool v4 = p->pkt.nfproto == NFPROTO_IPV4;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (!ct || !p->pkt.valid || !p->ct.has_id || p->ct.dir != 0 || !set_orig_tuple(ct, &p->pkt))
		goto out;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = v4 ? AF_INET : AF_INET6;
	nfg->version = NFNETLINK_V0;
	if (nfct_nlmsg_build(nlh, ct) < 0 || nlsock_request(c->sock, nlh, 1, &out) < 0)
		goto out;
	got = nfct_new();
	for (m = nlbuf_first(&out); m && got; m = nlbuf_next(&out, m)) {
		if (nfct_nlmsg_parse(m, got) < 0 || !nfct_attr_is_set(got, ATTR_ID) ||
		    nfct_get_attr_u32(got, ATTR_ID) != p->ct.id)
			continue;
		addr_text(got, v4, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC, t->orig_src);
		addr_text(got, v4, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST, t->orig_dst);
		addr_text(got, v4, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC, t->repl_src);
		addr_text(got, v4, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST, t->repl_dst);
		t->ports = p->pkt.has_ports;
		if (t->ports) {
			t->orig_sport = ntohs(nfct_get_attr_u16(got, ATTR_ORIG_PORT_SRC));
			t->orig_dport = ntohs(nfct_get_attr_u16(got, ATTR_ORIG_PORT_DST));
			t->repl_sport = ntohs(nfct_get_attr_u16(got, ATTR_REPL_PORT_SRC));
			t->repl_dport = ntohs(nfct_get_attr_u16(got, ATTR_REPL_PORT_DST));
		}
		t->valid = true;
		rc = 0;
		break;
	}
out:
	if (got)
		nfct_destroy(got);
	if (ct)
		nfct_destroy(ct);
	nlbuf_free(&out);
	return rc;
}
