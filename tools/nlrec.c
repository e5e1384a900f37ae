/*
 * nlrec.c - record the nf_tables rules of the current network namespace
 * as raw netlink, for iptop's rule-text fixtures, and replay them.
 *
 *   nlrec FILE            dump NFT_MSG_GETRULE and NFT_MSG_GETSET (all
 *                         families) and NFT_MSG_GETSETELEM of every
 *                         anonymous set, and write the reply messages,
 *                         concatenated, without the NLMSG_DONEs ("-" =
 *                         stdout); nlmsg_seq and
 *                         nlmsg_pid are zeroed so the same ruleset always
 *                         records the same bytes
 *   nlrec --render [FILE] render each rule of FILE (or of a live dump), its
 *                         anonymous sets inline (when FILE holds them), the
 *                         way tests/fixtures/NAME.expected lists them:
 *                           *FAMILY TABLE         when the table changes
 *                           -A CHAIN ...          iptables syntax
 *                           @nft CHAIN ...        nft syntax
 *                         A live dump names the ipsets of -m set / -j SET
 *                         from the kernel; a FILE leaves "[ipset N]".
 *
 * It does not dump tables or chains, and it never changes the ruleset. A
 * dump the kernel flags NLM_F_DUMP_INTR (the ruleset changed under it) is
 * thrown away and taken again.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/rule.h>

#include "iptop.h"
#include "nl.h"
#include "rule-text.h"

#define NLREC_BUF 32768
#define NLREC_TRIES 20

static void nlrec_append(struct strbuf *out, const void *p, size_t n)
{
	strbuf_addn(out, p, n);
}

/* One dump (msg, for family, and table/set when given) appended to out.
 * Returns 0, 1 if interrupted, -1 on error. */
static int nlrec_dump_msg(struct mnl_socket *nl, struct strbuf *out, int msg, uint8_t family,
			  const char *table, const char *set)
{
	char buf[NLREC_BUF] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	unsigned int portid = mnl_socket_get_portid(nl);
	uint32_t seq = (uint32_t)time(NULL);
	int intr = 0;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	if (table)
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table);
	if (set)
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *m;
		struct nlmsghdr *hdr;
		int len;

		if (n < 0)
			return -1;
		len = (int)n;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq || m->nlmsg_pid != portid)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (m->nlmsg_type == NLMSG_DONE)
				return intr;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = mnl_nlmsg_get_payload(m);

				if (err->error == 0)
					continue;
				errno = -err->error;
				return -1;
			}
			nlrec_append(out, m, MNL_ALIGN(m->nlmsg_len));
			/* zero seq and portid: recordings of the same ruleset are
			 * byte-identical, and replay with mnl_cb_run(.., 0, 0, ..)
			 * skips both checks anyway */
			hdr = (struct nlmsghdr *)(out->s + out->len - MNL_ALIGN(m->nlmsg_len));
			hdr->nlmsg_seq = 0;
			hdr->nlmsg_pid = 0;
		}
	}
}

/* Table, name and flags of a NEWSET message; false if it is none. */
static bool nlrec_set(const struct nlmsghdr *nlh, const char **table, const char **name,
		      uint32_t *flags)
{
	const struct nlattr *a;

	if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWSET ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return false;
	*table = *name = NULL;
	*flags = 0;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_SET_TABLE && !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			*table = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == NFTA_SET_NAME && !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			*name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == NFTA_SET_FLAGS && !mnl_attr_validate(a, MNL_TYPE_U32))
			*flags = ntohl(mnl_attr_get_u32(a));
	}
	return *table && *name;
}

/* The GETRULE dump, then the sets and the elements of each anonymous set.
 * Returns 0, 1 if interrupted, -1 on error. */
static int nlrec_dump_once(struct mnl_socket *nl, struct strbuf *out)
{
	const struct nlmsghdr *nlh;
	struct strbuf sets;
	size_t start;
	int rc, len;

	rc = nlrec_dump_msg(nl, out, NFT_MSG_GETRULE, NFPROTO_UNSPEC, NULL, NULL);
	start = out->len;
	if (rc == 0)
		rc = nlrec_dump_msg(nl, out, NFT_MSG_GETSET, NFPROTO_UNSPEC, NULL, NULL);
	if (rc != 0)
		return rc;
	/* a copy to walk: out grows (and moves) with the elements */
	strbuf_init(&sets);
	strbuf_addn(&sets, out->s + start, out->len - start);
	len = (int)sets.len;
	for (nlh = (const struct nlmsghdr *)sets.s; rc == 0 && sets.s && mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		const char *table, *name;
		uint32_t flags;

		if (nlrec_set(nlh, &table, &name, &flags) && (flags & NFT_SET_ANONYMOUS))
			rc = nlrec_dump_msg(nl, out, NFT_MSG_GETSETELEM,
					    ((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family,
					    table, name);
	}
	strbuf_free(&sets);
	return rc;
}

static int nlrec_dump(struct strbuf *out)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int tries, rc = -1;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlrec: netlink socket");
		if (nl)
			mnl_socket_close(nl);
		return -1;
	}
	for (tries = 0; tries < NLREC_TRIES; tries++) {
		strbuf_reset(out);
		rc = nlrec_dump_once(nl, out);
		if (rc != 1)
			break;
	}
	if (rc < 0)
		perror("nlrec: GETRULE/GETSET/GETSETELEM dump");
	else if (rc == 1)
		fprintf(stderr, "nlrec: ruleset kept changing, gave up\n");
	mnl_socket_close(nl);
	return rc == 0 ? 0 : -1;
}

static int nlrec_read(const char *path, struct strbuf *out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char buf[8192];
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_addn(out, buf, n);
	if (f != stdin)
		fclose(f);
	return 0;
}

static const char *nlrec_family_name(uint8_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return "unknown";
}

/* Print every NEWRULE of buf in the fixture format. */
static int nlrec_render(const struct strbuf *in)
{
	const struct nlmsghdr *nlh;
	int len = (int)in->len, last_family = -1;
	char *last_table = NULL;
	struct rule_text_sets *sets = rule_text_sets_parse(in->s, in->len);

	for (nlh = (const struct nlmsghdr *)in->s; in->s && mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		struct nftnl_rule *r;
		struct rule_text rt;
		const char *table, *chain;
		uint8_t family;

		if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWRULE)
			continue;
		r = nftnl_rule_alloc();
		if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
			fprintf(stderr, "nlrec: unparsable rule message\n");
			nftnl_rule_free(r);
			continue;
		}
		family = (uint8_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
		table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
		chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
		if (family != last_family || !last_table || strcmp(last_table, table)) {
			printf("*%s %s\n", nlrec_family_name(family), table);
			free(last_table);
			last_table = xstrdup(table);
			last_family = family;
		}
		rule_text_render(r, family, rule_text_ipt_table(family, table), sets, &rt);
		if (rt.syntax == RULE_SYNTAX_IPT)
			printf("%s\n", rt.text);
		else
			printf("@nft %s %s\n", chain, rt.text);
		rule_text_free(&rt);
		nftnl_rule_free(r);
	}
	free(last_table);
	rule_text_sets_free(sets);
	return 0;
}

/* rule_text_ipset_names()'s resolver for a live dump: ask the kernel. */
static const char *nlrec_ipset_name(uint16_t index, char *buf, void *arg)
{
	(void)arg;
	return nlipset_name(index, buf, RULE_TEXT_IPSET_NAMELEN) == 0 ? buf : NULL;
}

static int nlrec_usage(void)
{
	fprintf(stderr, "usage: nlrec FILE | nlrec --render [FILE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct strbuf buf;
	int rc;

	strbuf_init(&buf);
	if (argc >= 2 && !strcmp(argv[1], "--render")) {
		if (argc > 3)
			return nlrec_usage();
		rc = argc == 3 ? nlrec_read(argv[2], &buf) : nlrec_dump(&buf);
		if (argc == 2)
			rule_text_ipset_names(nlrec_ipset_name, NULL);
		if (rc == 0)
			rc = nlrec_render(&buf);
	} else if (argc == 2 && argv[1][0] != '-') {
		rc = nlrec_dump(&buf);
		if (rc == 0) {
			FILE *f = fopen(argv[1], "wb");

			if (!f || fwrite(buf.s ? buf.s : "", 1, buf.len, f) != buf.len || fclose(f)) {
				perror(argv[1]);
				rc = -1;
			}
		}
	} else if (argc == 2 && !strcmp(argv[1], "-")) {
		rc = nlrec_dump(&buf);
		if (rc == 0 && fwrite(buf.s ? buf.s : "", 1, buf.len, stdout) != buf.len)
			rc = -1;
	} else {
		return nlrec_usage();
	}
	strbuf_free(&buf);
	return rc == 0 ? 0 : 1;
}
