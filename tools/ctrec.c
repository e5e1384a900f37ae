/*
 * ctrec - record raw ctnetlink messages to a file, for the unit tests'
 * fixtures (tests/fixtures/ct-*.nlmsg). The file is the kernel's netlink
 * messages back to back, NLMSG_DONE and ACKs left out: exactly what
 * ct_table_apply_dump() / ct_table_apply_events() / nlroute_parse() read.
 *
 *   ctrec FILE                     one IPCTNL_MSG_CT_GET dump (all families)
 *   ctrec -x FILE                  one IPCTNL_MSG_EXP_GET dump (expectations)
 *   ctrec -e SECS [-c N] FILE      NEW/UPDATE/DESTROY events for SECS seconds
 *                                  (or until N events)
 *   ctrec -r DST [-f SRC -i IFNAME] [-m MARK] FILE
 *                                  one RTM_GETROUTE reply
 *
 * A test tool: it links libiptop.a for the netlink plumbing (nl.h) and
 * reports errors with the kernel's errno.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "iptop.h"
#include "nl.h"

static void usage(void)
{
	fprintf(stderr, "usage: ctrec [-x] FILE\n"
			"       ctrec -e SECONDS [-c COUNT] FILE\n"
			"       ctrec -r DST [-f SRC] [-i IFNAME] [-m MARK] FILE\n");
	exit(2);
}

static void write_all(FILE *fp, const void *p, size_t n, const char *path)
{
	if (n && fwrite(p, 1, n, fp) != n) {
		fprintf(stderr, "ctrec: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static int record_dump(FILE *fp, const char *path, bool expect)
{
	char req[64];
	struct nlsock *s = nlsock_open(NETLINK_NETFILTER);
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	struct nlbuf out = { NULL, 0, 0 };
	const struct nlmsghdr *m;
	int n = 0;

	if (!s) {
		fprintf(stderr, "ctrec: netlink: %s\n", strerror(errno));
		return 1;
	}
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = expect ? (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_GET
			       : (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	if (nlsock_request(s, nlh, 0, &out) < 0) {
		fprintf(stderr, "ctrec: conntrack dump: %s\n", strerror(errno));
		return 1;
	}
	write_all(fp, out.data, out.len, path);
	for (m = nlbuf_first(&out); m; m = nlbuf_next(&out, m))
		n++;
	fprintf(stderr, "ctrec: %d entries, %zu bytes\n", n, out.len);
	nlbuf_free(&out);
	nlsock_close(s);
	return 0;
}

static int record_events(FILE *fp, const char *path, double secs, long max)
{
	static const unsigned int groups[] = {
		NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE, NFNLGRP_CONNTRACK_DESTROY,
	};
	struct nlsock *s = nlsock_open(NETLINK_NETFILTER);
	uint8_t buf[NLSOCK_DUMP_SIZE];
	uint64_t end = time_mono_ns() + (uint64_t)(secs * 1e9);
	long n = 0;
	unsigned int i;

	if (!s) {
		fprintf(stderr, "ctrec: netlink: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		if (nlsock_join(s, groups[i]) < 0) {
			fprintf(stderr, "ctrec: join group %u: %s\n", groups[i], strerror(errno));
			return 1;
		}
	}
	nlsock_set_rcvbuf(s, 4 << 20);
	/* tell a waiting script we listen */
	fprintf(stderr, "ctrec: listening\n");
	while (max <= 0 || n < max) {
		struct pollfd p = { .fd = nlsock_fd(s), .events = POLLIN };
		uint64_t now = time_mono_ns();
		ssize_t r;
		int left;
		const struct nlmsghdr *nlh;

		if (now >= end)
			break;
		if (poll(&p, 1, (int)((end - now) / 1000000) + 1) <= 0)
			continue;
		r = recv(p.fd, buf, sizeof(buf), 0);
		if (r < 0) {
			fprintf(stderr, "ctrec: events: %s\n", strerror(errno));
			if (errno == ENOBUFS)
				continue;
			return 1;
		}
		left = (int)r;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			write_all(fp, nlh, NLMSG_ALIGN(nlh->nlmsg_len), path);
			n++;
		}
	}
	fprintf(stderr, "ctrec: %ld events\n", n);
	nlsock_close(s);
	return 0;
}

static int parse_addr(const char *s, uint8_t *family, uint8_t *out)
{
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static int record_route(FILE *fp, const char *path, const char *dst, const char *src,
			const char *iif, const char *mark)
{
	char req[256];
	struct nlsock *s = nlsock_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct nlbuf out = { NULL, 0, 0 };
	uint8_t d[16], a[16], fam, fam2;
	size_t alen;

	if (!s || parse_addr(dst, &fam, d) < 0) {
		fprintf(stderr, "ctrec: bad destination or socket\n");
		return 1;
	}
	alen = fam == AF_INET6 ? 16 : 4;
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = fam;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	rtm->rtm_flags = RTM_F_LOOKUP_TABLE;
	mnl_attr_put(nlh, RTA_DST, alen, d);
	if (src) {
		if (parse_addr(src, &fam2, a) < 0 || fam2 != fam) {
			fprintf(stderr, "ctrec: bad source %s\n", src);
			return 1;
		}
		rtm->rtm_src_len = (unsigned char)(alen * 8);
		mnl_attr_put(nlh, RTA_SRC, alen, a);
	}
	if (iif) {
		unsigned int idx = if_nametoindex(iif);

		if (!idx) {
			fprintf(stderr, "ctrec: no interface %s\n", iif);
			return 1;
		}
		mnl_attr_put_u32(nlh, RTA_IIF, idx);
	}
	if (mark)
		mnl_attr_put_u32(nlh, RTA_MARK, (uint32_t)strtoul(mark, NULL, 0));
	if (nlsock_request(s, nlh, 1, &out) < 0) {
		fprintf(stderr, "ctrec: RTM_GETROUTE: %s\n", strerror(errno));
		return 1;
	}
	write_all(fp, out.data, out.len, path);
	nlbuf_free(&out);
	nlsock_close(s);
	return 0;
}

int main(int argc, char **argv)
{
	double secs = 0;
	long max = 0;
	const char *route = NULL, *src = NULL, *iif = NULL, *mark = NULL;
	FILE *fp;
	int c, rc;
	bool expect = false;

	while ((c = getopt(argc, argv, "xe:c:r:f:i:m:")) != -1) {
		switch (c) {
		case 'x': expect = true; break;
		case 'e': secs = atof(optarg); break;
		case 'c': max = atol(optarg); break;
		case 'r': route = optarg; break;
		case 'f': src = optarg; break;
		case 'i': iif = optarg; break;
		case 'm': mark = optarg; break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	fp = fopen(argv[optind], "wb");
	if (!fp) {
		fprintf(stderr, "ctrec: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (route)
		rc = record_route(fp, argv[optind], route, src, iif, mark);
	else if (secs > 0)
		rc = record_events(fp, argv[optind], secs, max);
	else
		rc = record_dump(fp, argv[optind], expect);
	if (fclose(fp) != 0) {
		fprintf(stderr, "ctrec: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	return rc;
}
