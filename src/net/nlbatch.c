/*
 * nlbatch.c - an nf_tables transaction: BATCH_BEGIN, the messages, BATCH_END
 * sent in one sendto(), then every ACK awaited, so either the whole change
 * happened or none of it did, and a failure names the message that failed.
 * Used for iptop's own owned tables (tracing, hook observation); never for
 * the user's ruleset. Builds headers only: callers fill the payloads. Also
 * whether such a table exists already, and whose it is.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "nl.h"

#define NLBATCH_SIZE (64 * 1024)
#define NLBATCH_ACK_TIMEOUT_MS 3000

void nlbatch_init(struct nlbatch *bt, struct nlsock *s)
{
	bt->size = NLBATCH_SIZE;
	bt->buf = xcalloc(1, bt->size); /* attribute padding must be defined (valgrind) */
	bt->b = mnl_nlmsg_batch_start(bt->buf, bt->size);
	bt->seq0 = bt->seq = nlsock_next_seq(s) + 1000;
	bt->nack = 0;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
}

struct nlmsghdr *nlbatch_msg(struct nlbatch *bt, uint16_t type, uint16_t family, uint16_t flags,
			     const char *what)
{
	struct nlmsghdr *nlh;

	if (bt->seq - bt->seq0 < ARRAY_SIZE(bt->what))
		bt->what[bt->seq - bt->seq0] = what;
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, family, flags | NLM_F_ACK,
				    bt->seq++);
	bt->nack++;
	return nlh;
}

void nlbatch_next(struct nlbatch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
}

void nlbatch_free(struct nlbatch *bt)
{
	mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
}

int nlbatch_send(struct nlbatch *bt, struct nlsock *s, const char **what)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int fd = nlsock_fd(s), acks = 0, err = 0;
	uint8_t rbuf[8192];

	*what = NULL;
	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	if (sendto(fd, mnl_nlmsg_batch_head(bt->b), mnl_nlmsg_batch_size(bt->b), 0,
		   (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -1;
	while (acks < bt->nack) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct nlmsghdr *nlh;
		ssize_t n;
		int left;

		if (poll(&pfd, 1, NLBATCH_ACK_TIMEOUT_MS) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = recv(fd, rbuf, sizeof(rbuf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq < bt->seq0 || nlh->nlmsg_seq >= bt->seq)
				continue;
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			acks++;
			if (e->error && !err) {
				err = -e->error;
				if (nlh->nlmsg_seq - bt->seq0 < ARRAY_SIZE(bt->what))
					*what = bt->what[nlh->nlmsg_seq - bt->seq0];
			}
		}
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int nlbatch_table_state(struct nlsock *s, const char *name)
{
	char buf[8192];
	struct nlbuf out = { 0 };
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int rc = 0;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	if (nlsock_request(s, nlh, 1, &out) == 0) {
		const struct nlmsghdr *m = nlbuf_first(&out);

		rc = 2;
		if (m) {
			struct nftnl_table *got = nftnl_table_alloc();

			if (nftnl_table_nlmsg_parse(m, got) == 0 &&
			    (nftnl_table_get_u32(got, NFTNL_TABLE_FLAGS) & NFT_TABLE_F_OWNER))
				rc = 1;
			nftnl_table_free(got);
		}
	}
	nlbuf_free(&out);
	return rc;
}

void nlbatch_add_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

void nlbatch_add_cmp(struct nftnl_rule *r, bool neq, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, neq ? NFT_CMP_NEQ : NFT_CMP_EQ);
	nftnl_expr_set_data(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}
