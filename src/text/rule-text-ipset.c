/*
 * rule-text-ipset.c - `-m set` and `-j SET` words (libxt_set / libxt_SET
 * save(), iptables 1.8.9). Their blobs carry only the set's index in the
 * kernel's ipset table: the name is asked of a resolver the live feed
 * installs (nlipset_*: getsockopt in the watched namespace). Without one
 * (replays, tests that give none) or when the kernel has no set there,
 * the index is shown as "[ipset N]" in the name's place.
 *
 * It does no I/O itself: the resolver does. Match revision 0 and target
 * revision 0 (kernels before 2.6.39) are left to "[?]".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter/xt_set.h>

#include "iptop.h"
#include "rule-text.h"
#include "rule-text-int.h"

#define HAS(type, len) ((len) >= sizeof(type))

static const char *(*resolve_fn)(uint16_t index, char *buf, void *arg);
static void *resolve_arg;

void rule_text_ipset_names(const char *(*name)(uint16_t index, char *buf, void *arg), void *arg)
{
	resolve_fn = name;
	resolve_arg = arg;
}

/* " NAME" of set index, or " [ipset N]" when it cannot be named. */
static void add_set_name(struct strbuf *sb, uint16_t index)
{
	char buf[RULE_TEXT_IPSET_NAMELEN];
	const char *name = NULL;

	if (resolve_fn) {
		memset(buf, 0, sizeof(buf));
		name = resolve_fn(index, buf, resolve_arg);
	}
	if (name && name[0])
		strbuf_addf(sb, " %.*s", IPSET_MAXNAMELEN, name);
	else
		strbuf_addf(sb, " [ipset %u]", index);
}

/* print_match()/print_target(): "[!] OPT NAME src,dst,..." for dim
 * directions; flag bit i (1..dim) set means src. */
static void add_set_ref(struct strbuf *sb, const char *opt, const struct xt_set_info *s,
			bool may_invert)
{
	unsigned int i;

	if (may_invert && (s->flags & IPSET_INV_MATCH))
		strbuf_add(sb, " !");
	strbuf_addf(sb, " %s", opt);
	add_set_name(sb, s->index);
	for (i = 1; i <= s->dim && i <= IPSET_DIM_MAX; i++)
		strbuf_addf(sb, "%s%s", i == 1 ? " " : ",", (s->flags & (1u << i)) ? "src" : "dst");
}

/* set_printv3/v4_counter(): " [!] --packets-eq N" and the like. */
static void add_counter(struct strbuf *sb, const char *what, uint8_t op, uint64_t value)
{
	static const char *const ops[] = {
		[IPSET_COUNTER_EQ] = "eq", [IPSET_COUNTER_NE] = "eq",
		[IPSET_COUNTER_LT] = "lt", [IPSET_COUNTER_GT] = "gt",
	};

	if (op == IPSET_COUNTER_NONE || op >= ARRAY_SIZE(ops))
		return;
	strbuf_addf(sb, "%s --%s-%s %llu", op == IPSET_COUNTER_NE ? " !" : "", what, ops[op],
		    (unsigned long long)value);
}

bool rule_text_ipset_match(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			   uint32_t len)
{
	const struct xt_set_info *s = info;	/* the head of every revision >= 1 */
	uint32_t flags = 0;

	(void)family;
	switch (rev) {
	case 1:
	case 2:
		if (!HAS(struct xt_set_info_match_v1, len))
			return false;
		if (rev == 2)
			flags = s->flags;	/* v2 reuses the v1 layout: nomatch in flags */
		break;
	case 3:
		if (!HAS(struct xt_set_info_match_v3, len))
			return false;
		flags = ((const struct xt_set_info_match_v3 *)info)->flags;
		break;
	case 4:
		if (!HAS(struct xt_set_info_match_v4, len))
			return false;
		flags = ((const struct xt_set_info_match_v4 *)info)->flags;
		break;
	default:
		return false;
	}
	strbuf_add(sb, " -m set");
	add_set_ref(sb, "--match-set", s, true);
	if (rev == 2) {
		if (flags & IPSET_RETURN_NOMATCH)
			strbuf_add(sb, " --return-nomatch");
		return true;
	}
	if (rev < 3)
		return true;
	if (flags & IPSET_FLAG_RETURN_NOMATCH)
		strbuf_add(sb, " --return-nomatch");
	if (flags & IPSET_FLAG_SKIP_COUNTER_UPDATE)
		strbuf_add(sb, " ! --update-counters");
	if (flags & IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE)
		strbuf_add(sb, " ! --update-subcounters");
	if (rev == 3) {
		const struct xt_set_info_match_v3 *m = info;

		add_counter(sb, "packets", m->packets.op, m->packets.value);
		add_counter(sb, "bytes", m->bytes.op, m->bytes.value);
	} else {
		const struct xt_set_info_match_v4 *m = info;

		add_counter(sb, "packets", m->packets.op, m->packets.value);
		add_counter(sb, "bytes", m->bytes.op, m->bytes.value);
	}
	return true;
}

/* print_target(): nothing for an unused slot. */
static void add_target_set(struct strbuf *sb, const char *opt, const struct xt_set_info *s)
{
	if (s->index != IPSET_INVALID_ID)
		add_set_ref(sb, opt, s, false);
}

/* libxt_SET's --map-* options (revision 3). */
static const struct rt_flag_word map_words[] = {
	{ IPSET_FLAG_MAP_SKBMARK, " --map-mark" },
	{ IPSET_FLAG_MAP_SKBPRIO, " --map-prio" },
	{ IPSET_FLAG_MAP_SKBQUEUE, " --map-queue" },
};

bool rule_text_ipset_target(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len)
{
	const struct xt_set_info_target_v3 *t = info;	/* v1, v2 share its head */
	const struct xt_set_info_target_v2 *t2 = info;
	uint32_t flags, timeout;

	(void)family;
	if (rev < 1 || rev > 3 ||
	    len < (rev == 1 ? sizeof(struct xt_set_info_target_v1) :
		   rev == 2 ? sizeof(*t2) : sizeof(*t)))
		return false;
	strbuf_add(sb, " -j SET");
	add_target_set(sb, "--add-set", &t->add_set);
	if (rev >= 2) {
		flags = rev == 2 ? t2->flags : t->flags;
		timeout = rev == 2 ? t2->timeout : t->timeout;
		if (flags & IPSET_FLAG_EXIST)
			strbuf_add(sb, " --exist");
		if (timeout != UINT32_MAX)
			strbuf_addf(sb, " --timeout %u", timeout);
	}
	add_target_set(sb, "--del-set", &t->del_set);
	if (rev < 3)
		return true;
	add_target_set(sb, "--map-set", &t->map_set);
	rule_text_expr_flag_words(sb, t->flags, map_words, ARRAY_SIZE(map_words));
	return true;
}
