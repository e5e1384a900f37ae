/*
 * ctfill - create N conntrack entries quickly over ctnetlink
 * (IPCTNL_MSG_CT_NEW, many messages per sendto), for the event-storm test
 * and the benchmark: `conntrack -I` in a loop manages ~1000/s, this ~100k/s.
 *
 *   ctfill [-n N] [-o OFFSET] [-u PCT_UDP] [-N PCT_NAT] [-t TIMEOUT] [-q]
 *
 * Entries: 75 % TCP ESTABLISHED [ASSURED], 25 % UDP (-u), 20 % with a
 * NAT-looking reply tuple (-N), IPv4 only. Entry i: 10.a.b.c (from i) ->
 * 198.51.100.10; a NAT entry's reply goes to 203.0.113.x (the "router").
 * -o shifts i so that several runs do not collide. Counters cannot be set
 * over netlink, so they are 0. Prints "created N failed M".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#define BATCH_BYTES (64 * 1024)

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, uint32_t src, uint32_t dst,
		      uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct nlattr *tup = mnl_attr_nest_start(nlh, type);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	struct nlattr *pr;

	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, src);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, dst);
	mnl_attr_nest_end(nlh, ip);
	pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, pr);
	mnl_attr_nest_end(nlh, tup);
}

static void put_entry(struct nlmsghdr *nlh, uint32_t i, int pct_udp, int pct_nat, uint32_t timeout)
{
	struct nfgenmsg *nfg;
	uint32_t src = htonl(0x0a000000u | (i & 0xffffff));          /* 10.a.b.c */
	uint32_t dst = htonl(0xc6336400u | 10);                       /* 198.51.100.10 */
	uint32_t rdst = src;
	uint16_t sport = (uint16_t)(1024 + i % 60000);
	uint16_t rdport = sport;
	bool udp = (int)(i % 100) < pct_udp;
	bool nat = (int)((i / 7) % 100) < pct_nat;   /* decorrelated from udp */
	uint8_t proto = udp ? IPPROTO_UDP : IPPROTO_TCP;
	uint16_t dport = udp ? 53 : (i & 1 ? 443 : 80);
	/* IPS_CONFIRMED as conntrack -I sends it: the kernel answers EBUSY
	 * when CTA_STATUS would flip that bit (ctnetlink_change_status) */
	uint32_t status = IPS_CONFIRMED | IPS_SEEN_REPLY | (udp ? 0 : IPS_ASSURED);

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = i;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	if (nat) {
		/* 203.0.113.1..254: at most 60000 ports each */
		rdst = htonl(0xcb007100u | (1 + (i / 60000) % 254));
		rdport = (uint16_t)(1024 + i % 60000);
	}
	put_tuple(nlh, CTA_TUPLE_ORIG, src, dst, proto, sport, dport);
	put_tuple(nlh, CTA_TUPLE_REPLY, dst, rdst, proto, dport, rdport);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(timeout));
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(status));
	if (!udp) {
		struct nlattr *pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		struct nlattr *tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);

		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, TCP_CONNTRACK_ESTABLISHED);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, pi);
	}
}

/* Read the errors queued so far (the kernel handled the batch inside
 * sendto(); without NLM_F_ACK only failures answer). */
static long drain_errors(struct mnl_socket *nl, int *first_err)
{
	char buf[16384];
	long bad = 0;
	ssize_t n;

	while ((n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		const struct nlmsghdr *nlh;
		int left = (int)n;

		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (e->error) {
					bad++;
					if (!*first_err)
						*first_err = -e->error;
				}
			}
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	long n = 1000, bad = 0;
	uint32_t off = 0, timeout = 600, i;
	int pct_udp = 25, pct_nat = 20, quiet = 0, c, first_err = 0;
	char *buf;
	size_t used = 0;
	struct mnl_socket *nl;
	int rcv = 8 << 20;

	while ((c = getopt(argc, argv, "n:o:u:N:t:q")) != -1) {
		switch (c) {
		case 'n': n = atol(optarg); break;
		case 'o': off = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'u': pct_udp = atoi(optarg); break;
		case 'N': pct_nat = atoi(optarg); break;
		case 't': timeout = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'q': quiet = 1; break;
		default:
			fprintf(stderr, "usage: ctfill [-n N] [-o OFFSET] [-u PCT_UDP] [-N PCT_NAT] "
					"[-t TIMEOUT] [-q]\n");
			return 2;
		}
	}
	if (n < 0 || n + off > 0xffffff) {
		fprintf(stderr, "ctfill: at most 16M entries (10.0.0.0/8)\n");
		return 2;
	}
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "ctfill: netlink: %s\n", strerror(errno));
		return 1;
	}
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	buf = malloc(BATCH_BYTES);
	if (!buf)
		return 1;
	for (i = 0; i < (uint32_t)n; i++) {
		struct nlmsghdr *nlh;

		if (used + 512 > BATCH_BYTES) {
			if (mnl_socket_sendto(nl, buf, used) < 0) {
				fprintf(stderr, "ctfill: sendto: %s\n", strerror(errno));
				return 1;
			}
			used = 0;
			bad += drain_errors(nl, &first_err);
		}
		nlh = mnl_nlmsg_put_header(buf + used);
		put_entry(nlh, off + i, pct_udp, pct_nat, timeout);
		used += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (used && mnl_socket_sendto(nl, buf, used) < 0) {
		fprintf(stderr, "ctfill: sendto: %s\n", strerror(errno));
		return 1;
	}
	bad += drain_errors(nl, &first_err);
	if (!quiet || bad)
		printf("created %ld failed %ld%s%s\n", n - bad, bad, first_err ? ": " : "",
		       first_err ? strerror(first_err) : "");
	free(buf);
	mnl_socket_close(nl);
	return bad ? 1 : 0;
}
