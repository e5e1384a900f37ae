/*
 * collect-observe.c - installs `table inet iptop_observe` (see
 * collect-observe.h): chains "ip-prerouting" ... "ip6-postrouting", type
 * filter, priority NF_IP_PRI_FIRST (before defragmentation, conntrack and
 * every user table, so each packet is counted once at each hook it enters),
 * policy accept, each with the single rule `meta nfproto ipvX counter`.
 * Created in one transaction on a socket of its own; NFT_TABLE_F_OWNER makes
 * the kernel remove the table when that socket closes.
 *
 * Does not read the counters (the ruleset collector dumps the table with
 * the rest; the model sums them) and knows no screen.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "iptop.h"
#include "nl.h"
#include "collect-observe.h"

struct collect_observe {
	struct nlsock *owner;  /* owns the table: closing it removes the table (NULL: another process owns it) */
};

static const struct {
	const char *name;
	uint8_t nfproto;
} observe_families[] = {
	{ "ip", NFPROTO_IPV4 },
	{ "ip6", NFPROTO_IPV6 },
};

static const struct {
	const char *name;
	int hook;
} observe_hooks[] = {
	{ "prerouting", NF_INET_PRE_ROUTING }, { "input", NF_INET_LOCAL_IN },
	{ "forward", NF_INET_FORWARD },        { "output", NF_INET_LOCAL_OUT },
	{ "postrouting", NF_INET_POST_ROUTING },
};

bool collect_observe_chain(const struct snap_chain *ch, uint8_t *nfproto, int *hook)
{
	size_t f, h;

	if (ch->family != NFPROTO_INET || ch->legacy || strcmp(ch->table, OBSERVE_TABLE) != 0)
		return false;
	for (f = 0; f < ARRAY_SIZE(observe_families); f++) {
		size_t n = strlen(observe_families[f].name);

		if (strncmp(ch->name, observe_families[f].name, n) != 0 || ch->name[n] != '-')
			continue;
		for (h = 0; h < ARRAY_SIZE(observe_hooks); h++)
			if (strcmp(ch->name + n + 1, observe_hooks[h].name) == 0) {
				*nfproto = observe_families[f].nfproto;
				*hook = observe_hooks[h].hook;
				return true;
			}
	}
	return false;
}

/* meta nfproto <nfproto> counter */
static void observe_rule(struct nftnl_rule *r, uint8_t nfproto)
{
	nlbatch_add_meta(r, NFT_META_NFPROTO);
	nlbatch_add_cmp(r, false, &nfproto, sizeof(nfproto));
	nftnl_rule_add_expr(r, nftnl_expr_alloc("counter"));
}

static int observe_install(struct nlsock *s, const char **what)
{
	struct nlbatch bt;
	struct nftnl_table *t;
	struct nlmsghdr *nlh;
	size_t f, h;
	char name[32];
	int rc;

	nlbatch_init(&bt, s);
	t = nftnl_table_alloc();
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, OBSERVE_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	nlh = nlbatch_msg(&bt, NFT_MSG_NEWTABLE, NFPROTO_INET, NLM_F_CREATE | NLM_F_EXCL,
			  "create table inet " OBSERVE_TABLE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	nlbatch_next(&bt);

	for (f = 0; f < ARRAY_SIZE(observe_families); f++)
		for (h = 0; h < ARRAY_SIZE(observe_hooks); h++) {
			struct nftnl_chain *c = nftnl_chain_alloc();
			struct nftnl_rule *r = nftnl_rule_alloc();

			snprintf(name, sizeof(name), "%s-%s", observe_families[f].name, observe_hooks[h].name);
			nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
			nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, OBSERVE_TABLE);
			nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
			nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
			nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)observe_hooks[h].hook);
			nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, INT_MIN);
			nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
			nlh = nlbatch_msg(&bt, NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE | NLM_F_EXCL,
					  "create an observation chain");
			nftnl_chain_nlmsg_build_payload(nlh, c);
			nftnl_chain_free(c);
			nlbatch_next(&bt);

			nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
			nftnl_rule_set_str(r, NFTNL_RULE_TABLE, OBSERVE_TABLE);
			nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name);
			observe_rule(r, observe_families[f].nfproto);
			nlh = nlbatch_msg(&bt, NFT_MSG_NEWRULE, NFPROTO_INET, NLM_F_CREATE | NLM_F_APPEND,
					  "add an observation counter");
			nftnl_rule_nlmsg_build_payload(nlh, r);
			nftnl_rule_free(r);
			nlbatch_next(&bt);
		}
	rc = nlbatch_send(&bt, s, what);
	nlbatch_free(&bt);
	return rc;
}


struct collect_observe *collect_observe_start(char **cause, char **notice)
{
	struct collect_observe *o = xcalloc(1, sizeof(*o));
	const char *what = NULL;
	int err;

	*cause = NULL;
	*notice = NULL;
	o->owner = nlsock_open(NETLINK_NETFILTER);
	if (!o->owner) {
		*cause = xasprintf("cannot open a netlink socket: %s", strerror(errno));
		free(o);
		return NULL;
	}
	if (observe_install(o->owner, &what) == 0)
		return o;
	err = errno;
	if ((err == EEXIST || err == EPERM || err == EACCES) && nlbatch_table_state(o->owner, OBSERVE_TABLE) == 1) {
		/* Another iptop observes this namespace: read its counters. */
		nlsock_close(o->owner);
		o->owner = NULL;
		*notice = xasprintf("hooks observed by another process (table inet %s is owned by it)",
				    OBSERVE_TABLE);
		return o;
	}
	switch (err) {
	case EPERM:
	case EACCES:
		*cause = xasprintf("observing hooks needs CAP_NET_ADMIN: cannot create table inet %s: %s",
				   OBSERVE_TABLE, strerror(err));
		break;
	case EEXIST:
		*cause = xasprintf("table inet %s exists and is not iptop's (left by something else?); "
				   "remove it with `nft delete table inet %s`", OBSERVE_TABLE, OBSERVE_TABLE);
		break;
	case EOPNOTSUPP:
	case EINVAL:
	case ENOENT:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		*cause = xasprintf("observing hooks is unavailable on this kernel: cannot %s: %s "
				   "(owned tables need Linux 5.12)", what ? what : "create the table", strerror(err));
		break;
	default:
		*cause = xasprintf("cannot %s: %s", what ? what : "create table inet " OBSERVE_TABLE, strerror(err));
	}
	nlsock_close(o->owner);
	free(o);
	return NULL;
}

void collect_observe_stop(struct collect_observe *o)
{
	if (!o)
		return;
	/* Closing the owner socket is the delete: the kernel drops an owned
	 * table with its socket, in one step, whatever state we are in. */
	nlsock_close(o->owner);
	free(o);
}
