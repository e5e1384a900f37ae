/*
 * rule-text-xt-ext.c - the registration tables of x_tables extensions
 * decoded by name (struct rt_xt_ext), and the match decoders of -m
 * rpfilter, socket, policy, tos, connbytes, string, u32, time,
 * hashlimit, ecn and cgroup: the words each extension's save() prints (iptables 1.8.9).
 * Layouts are the kernel UAPI structs; nothing links libxtables.
 *
 * The older extensions keep their if-chains in rule-text-xt-match.c and
 * rule-text-xt-target.c, which consult these tables first. The IPv6
 * header matches are rule-text-xt-ip6.c's, the newer targets
 * rule-text-xt-target-ext.c's, set/SET rule-text-ipset.c's.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_rpfilter.h>
#include <linux/netfilter/xt_socket.h>
#include <linux/netfilter/xt_policy.h>
#include <linux/netfilter/xt_dscp.h>
#include <linux/netfilter/xt_connbytes.h>
#include <linux/netfilter/xt_string.h>
#include <linux/netfilter/xt_u32.h>
#include <linux/netfilter/xt_time.h>
#include <linux/netfilter/xt_hashlimit.h>
#include <linux/netfilter/xt_ecn.h>
#include <linux/netfilter/xt_cgroup.h>

#include "iptop.h"
#include "rule-text-int.h"

#define HAS(type, len) ((len) >= sizeof(type))
#define HAS_UPTO(type, field, len) ((len) >= offsetof(type, field))

/* libipt_tos revision 0's blob (not in the UAPI headers any more). */
struct rt_ipt_tos_info {
	uint8_t tos;
	uint8_t invert;
};

static const struct rt_flag_word rpfilter_words[] = {
	{ XT_RPFILTER_LOOSE, " --loose" },
	{ XT_RPFILTER_VALID_MARK, " --validmark" },
	{ XT_RPFILTER_ACCEPT_LOCAL, " --accept-local" },
	{ XT_RPFILTER_INVERT, " --invert" },
};

static bool match_rpfilter(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			   uint32_t len)
{
	const struct xt_rpfilter_info *r = info;

	(void)family;
	if (rev != 0 || !HAS(*r, len))
		return false;
	strbuf_add(sb, " -m rpfilter");
	rule_text_expr_flag_words(sb, r->flags, rpfilter_words, ARRAY_SIZE(rpfilter_words));
	return true;
}

/* socket revisions 0-3: each adds a flag to the one before. */
static bool match_socket(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	uint8_t flags = 0;

	(void)family;
	if (rev > 3 || (rev > 0 && !HAS(struct xt_socket_mtinfo1, len)))
		return false;
	if (rev > 0)
		flags = ((const struct xt_socket_mtinfo1 *)info)->flags;
	strbuf_add(sb, " -m socket");
	if (flags & XT_SOCKET_TRANSPARENT)
		strbuf_add(sb, " --transparent");
	if (rev >= 2 && (flags & XT_SOCKET_NOWILDCARD))
		strbuf_add(sb, " --nowildcard");
	if (rev >= 3 && (flags & XT_SOCKET_RESTORESKMARK))
		strbuf_add(sb, " --restore-skmark");
	return true;
}

/* libxt_policy print_entry(): one element's options. */
static void add_policy_elem(struct strbuf *sb, uint8_t family, const struct xt_policy_elem *e)
{
	if (e->match.reqid)
		strbuf_addf(sb, "%s --reqid %u", e->invert.reqid ? " !" : "", e->reqid);
	if (e->match.spi)
		strbuf_addf(sb, "%s --spi 0x%x", e->invert.spi ? " !" : "", e->spi);
	if (e->match.proto) {
		const char *p = rule_text_xt_proto_name(e->proto);

		strbuf_addf(sb, "%s --proto ", e->invert.proto ? " !" : "");
		if (p)
			strbuf_add(sb, p);
		else
			strbuf_addf(sb, "%u", e->proto);
	}
	if (e->match.mode)
		strbuf_addf(sb, "%s --mode %s", e->invert.mode ? " !" : "",
			    e->mode == XT_POLICY_MODE_TRANSPORT ? "transport" :
			    e->mode == XT_POLICY_MODE_TUNNEL ? "tunnel" : "???");
	if (e->match.daddr) {
		strbuf_addf(sb, "%s --tunnel-dst", e->invert.daddr ? " !" : "");
		rule_text_xt_addr_mask(sb, family, &e->daddr, &e->dmask);
	}
	if (e->match.saddr) {
		strbuf_addf(sb, "%s --tunnel-src", e->invert.saddr ? " !" : "");
		rule_text_xt_addr_mask(sb, family, &e->saddr, &e->smask);
	}
}

static bool match_policy(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	const struct xt_policy_info *p = info;
	unsigned int i;

	if (rev != 0 || !HAS(*p, len) || p->len > XT_POLICY_MAX_ELEM)
		return false;
	strbuf_add(sb, " -m policy");
	strbuf_add(sb, (p->flags & XT_POLICY_MATCH_IN) ? " --dir in" : " --dir out");
	strbuf_add(sb, (p->flags & XT_POLICY_MATCH_NONE) ? " --pol none" : " --pol ipsec");
	if (p->flags & XT_POLICY_MATCH_STRICT)
		strbuf_add(sb, " --strict");
	for (i = 0; i < p->len; i++) {
		add_policy_elem(sb, family, &p->pol[i]);
		if (i + 1 < p->len)
			strbuf_add(sb, " --next");
	}
	return true;
}

/* tos revision 0 (value, IPv4 only) and 1 (value/mask). */
static bool match_tos(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	if (rev == 0 && family == NFPROTO_IPV4 && HAS(struct rt_ipt_tos_info, len)) {
		const struct rt_ipt_tos_info *t = info;

		strbuf_addf(sb, " -m tos%s --tos 0x%02x", t->invert ? " !" : "", t->tos);
		return true;
	}
	if (rev == 1 && HAS(struct xt_tos_match_info, len)) {
		const struct xt_tos_match_info *t = info;

		strbuf_addf(sb, " -m tos%s --tos 0x%02x/0x%02x", t->invert ? " !" : "", t->tos_value,
			    t->tos_mask);
		return true;
	}
	return false;
}

static bool match_connbytes(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len)
{
	static const char *const what[] = { " packets", " bytes", " avgpkt" };
	static const char *const dir[] = { " original", " reply", " both" };
	const struct xt_connbytes_info *c = info;
	unsigned long long from, to;

	(void)family;
	if (rev != 0 || !HAS(*c, len))
		return false;
	from = c->count.from;
	to = c->count.to;
	strbuf_add(sb, " -m connbytes");
	if (from > to) {	/* how the parser stores "!" */
		strbuf_add(sb, " !");
		from = c->count.to;
		to = c->count.from;
	}
	strbuf_addf(sb, " --connbytes %llu", from);
	if (to && to < UINT64_MAX)
		strbuf_addf(sb, ":%llu", to);
	strbuf_addf(sb, " --connbytes-mode%s", c->what < ARRAY_SIZE(what) ? what[c->what] : " unknown");
	strbuf_addf(sb, " --connbytes-dir%s",
		    c->direction < ARRAY_SIZE(dir) ? dir[c->direction] : " unknown");
	return true;
}

/* libxt_string: hex when any byte is not printable or the last is "\". */
static void add_string_pattern(struct strbuf *sb, bool invert, const uint8_t *p, unsigned int n)
{
	bool hex = n > 0 && p[n - 1] == '\\';
	unsigned int i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			hex = true;
	strbuf_addf(sb, "%s --%s \"%s", invert ? " !" : "", hex ? "hex-string" : "string",
		    hex ? "|" : "");
	for (i = 0; i < n; i++) {
		if (hex) {
			strbuf_addf(sb, "%02x", p[i]);
			continue;
		}
		if (p[i] == '"' || p[i] == '\\')
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, (char)p[i]);
	}
	strbuf_add(sb, hex ? "|\"" : "\"");
}

static bool match_string(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	const struct xt_string_info *s = info;
	char algo[XT_STRING_MAX_ALGO_NAME_SIZE + 1];
	bool invert;

	(void)family;
	if (rev > 1 || !HAS_UPTO(struct xt_string_info, config, len) ||
	    s->patlen > XT_STRING_MAX_PATTERN_SIZE)
		return false;
	invert = rev == 0 ? s->u.v0.invert : (s->u.v1.flags & XT_STRING_FLAG_INVERT);
	rule_text_xt_field(algo, sizeof(algo), s->algo, sizeof(s->algo));
	strbuf_add(sb, " -m string");
	add_string_pattern(sb, invert, (const uint8_t *)s->pattern, s->patlen);
	strbuf_addf(sb, " --algo %s", algo);
	if (s->from_offset)
		strbuf_addf(sb, " --from %u", s->from_offset);
	if (s->to_offset != UINT16_MAX)	/* the parser's default since 1.8.5 */
		strbuf_addf(sb, " --to %u", s->to_offset);
	if (rev == 1 && (s->u.v1.flags & XT_STRING_FLAG_IGNORECASE))
		strbuf_add(sb, " --icase");
	return true;
}

static bool match_u32(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	static const char *const ops[] = { "&", "<<", ">>", "@" };
	const struct xt_u32 *u = info;
	unsigned int t, i;

	(void)family;
	if (rev != 0 || !HAS(*u, len) || u->ntests > XT_U32_MAXSIZE + 1)
		return false;
	for (t = 0; t < u->ntests; t++)
		if (u->tests[t].nnums > XT_U32_MAXSIZE + 1 || u->tests[t].nvalues > XT_U32_MAXSIZE + 1)
			return false;
	strbuf_addf(sb, " -m u32%s --u32 \"", u->invert ? " !" : "");
	for (t = 0; t < u->ntests; t++) {
		const struct xt_u32_test *ct = &u->tests[t];

		strbuf_add(sb, t ? "&&" : "");
		strbuf_addf(sb, "0x%x", ct->location[0].number);
		for (i = 1; i < ct->nnums; i++) {
			uint8_t op = ct->location[i].nextop;

			strbuf_addf(sb, "%s0x%x", op < ARRAY_SIZE(ops) ? ops[op] : "",
				    ct->location[i].number);
		}
		strbuf_addc(sb, '=');
		for (i = 0; i < ct->nvalues; i++) {
			strbuf_add(sb, i ? "," : "");
			if (ct->value[i].min == ct->value[i].max)
				strbuf_addf(sb, "0x%x", ct->value[i].min);
			else
				strbuf_addf(sb, "0x%x:0x%x", ct->value[i].min, ct->value[i].max);
		}
	}
	strbuf_addc(sb, '"');
	return true;
}

/* time_print_date(): ISO 8601 in UTC; nothing for 0 (the default start). */
static void add_time_date(struct strbuf *sb, const char *opt, uint32_t date)
{
	time_t t = (time_t)date;
	struct tm tm;

	if (date == 0 || !gmtime_r(&t, &tm))
		return;
	strbuf_addf(sb, " %s %04d-%02d-%02dT%02d:%02d:%02d", opt, tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool match_time(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		       uint32_t len)
{
	static const char *const days[] = { NULL, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	const struct xt_time_info *ti = info;
	const char *sep = " ";
	unsigned int i;

	(void)family;
	if (rev != 0 || !HAS(*ti, len))
		return false;
	strbuf_add(sb, " -m time");
	if (ti->daytime_start != XT_TIME_MIN_DAYTIME || ti->daytime_stop != XT_TIME_MAX_DAYTIME) {
		uint32_t a = ti->daytime_start, b = ti->daytime_stop;

		strbuf_addf(sb, " --timestart %02u:%02u:%02u", a / 3600, a / 60 % 60, a % 60);
		strbuf_addf(sb, " --timestop %02u:%02u:%02u", b / 3600, b / 60 % 60, b % 60);
	}
	if (ti->monthdays_match != XT_TIME_ALL_MONTHDAYS) {
		strbuf_add(sb, " --monthdays");
		for (i = 1; i <= 31; i++)
			if (ti->monthdays_match & (1u << i)) {
				strbuf_addf(sb, "%s%u", sep, i);
				sep = ",";
			}
		if (*sep == ' ')
			strbuf_addc(sb, ' ');
	}
	if (ti->weekdays_match != XT_TIME_ALL_WEEKDAYS) {
		strbuf_add(sb, " --weekdays");
		sep = " ";
		for (i = 1; i <= 7; i++)
			if (ti->weekdays_match & (1u << i)) {
				strbuf_addf(sb, "%s%s", sep, days[i]);
				sep = ",";
			}
		if (*sep == ' ')
			strbuf_addc(sb, ' ');
	}
	add_time_date(sb, "--datestart", ti->date_start);
	add_time_date(sb, "--datestop", ti->date_stop);
	if (ti->flags & XT_TIME_LOCAL_TZ)
		strbuf_add(sb, " --kerneltz");
	if (ti->flags & XT_TIME_CONTIGUOUS)
		strbuf_add(sb, " --contiguous");
	return true;
}

static bool match_ecn(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	const struct xt_ecn_info *e = info;

	(void)family;
	if (rev != 0 || !HAS(*e, len))
		return false;
	strbuf_add(sb, " -m ecn");
	if (e->operation & XT_ECN_OP_MATCH_ECE)
		strbuf_addf(sb, "%s --ecn-tcp-ece", (e->invert & XT_ECN_OP_MATCH_ECE) ? " !" : "");
	if (e->operation & XT_ECN_OP_MATCH_CWR)
		strbuf_addf(sb, "%s --ecn-tcp-cwr", (e->invert & XT_ECN_OP_MATCH_CWR) ? " !" : "");
	if (e->operation & XT_ECN_OP_MATCH_IP)
		strbuf_addf(sb, "%s --ecn-ip-ect %d", (e->invert & XT_ECN_OP_MATCH_IP) ? " !" : "",
			    e->ip_ect);
	return true;
}

/* cgroup revision 0 (net_cls classid), 1 and 2 (path and/or classid;
 * revision 2 keeps them in a union). */
static bool match_cgroup(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			 uint32_t len)
{
	char path[XT_CGROUP_PATH_MAX + 1];
	uint32_t classid;
	const struct xt_cgroup_info_v2 *c2 = info;	/* v1's head is the same */

	(void)family;
	if (rev == 0) {
		const struct xt_cgroup_info_v0 *c0 = info;

		if (!HAS(*c0, len))
			return false;
		strbuf_addf(sb, " -m cgroup%s --cgroup %u", c0->invert ? " !" : "", c0->id);
		return true;
	}
	if (rev == 1 && HAS_UPTO(struct xt_cgroup_info_v1, priv, len)) {
		const struct xt_cgroup_info_v1 *c1 = info;

		rule_text_xt_field(path, sizeof(path), c1->path, sizeof(c1->path));
		classid = c1->classid;
	} else if (rev == 2 && HAS_UPTO(struct xt_cgroup_info_v2, priv, len)) {
		rule_text_xt_field(path, sizeof(path), c2->path, sizeof(c2->path));
		classid = c2->classid;
	} else {
		return false;
	}
	strbuf_add(sb, " -m cgroup");
	if (c2->has_path) {
		strbuf_addf(sb, "%s --path", c2->invert_path ? " !" : "");
		rule_text_xt_quote(sb, path);
	}
	if (c2->has_classid)
		strbuf_addf(sb, "%s --cgroup %u", c2->invert_classid ? " !" : "", classid);
	return true;
}

/* --- hashlimit -------------------------------------------------------- */

/* libxt_hashlimit's defaults, which save() leaves out. */
#define HL_GCINTERVAL 1000
#define HL_BYTE_EXPIRE 15
#define HL_BYTE_EXPIRE_BURST 60

/* libxt_hashlimit print_rate(): like the limit match's, on rev 1's
 * 1/10000 s or rev 2-3's 1/1000000 s scale. Returns the quantum in ms
 * (the expire save() leaves out). */
static uint64_t hl_rate(struct strbuf *sb, uint64_t period, uint64_t scale)
{
	const struct { const char *name; uint64_t mult; } rates[] = {
		{ "day", scale * 24 * 60 * 60 }, { "hour", scale * 60 * 60 },
		{ "min", scale * 60 }, { "sec", scale },
	};
	size_t i;

	if (period == 0) {
		strbuf_add(sb, " inf");
		return 0;
	}
	for (i = 1; i < ARRAY_SIZE(rates); i++)
		if (period > rates[i].mult || rates[i].mult / period < rates[i].mult % period)
			break;
	strbuf_addf(sb, " %llu/%s", (unsigned long long)(rates[i - 1].mult / period),
		    rates[i - 1].name);
	return rates[i - 1].mult / scale * 1000;
}

static uint64_t hl_cost_to_bytes(uint64_t cost)
{
	uint64_t r = cost ? UINT32_MAX / cost : UINT32_MAX;

	return (r - 1) << XT_HASHLIMIT_BYTE_SHIFT;
}

static uint64_t hl_bytes_to_cost(uint64_t bytes)
{
	uint32_t r = (uint32_t)(bytes >> XT_HASHLIMIT_BYTE_SHIFT);

	return UINT32_MAX / ((uint64_t)r + 1);
}

/* print_bytes(): "NNkb/s" and " --hashlimit-burst NNkb". */
static uint64_t hl_bytes(struct strbuf *sb, uint64_t avg, uint64_t burst)
{
	static const struct { const char *name; uint64_t thresh; } units[] = {
		{ "m", 1024 * 1024 }, { "k", 1024 }, { "", 1 },
	};
	uint64_t r = hl_cost_to_bytes(avg);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(units) - 1; i++)
		if (r >= units[i].thresh && hl_bytes_to_cost(r & ~(units[i].thresh - 1)) == avg)
			break;
	strbuf_addf(sb, " %llu%sb/s", (unsigned long long)(r / units[i].thresh), units[i].name);
	if (burst == 0)
		return HL_BYTE_EXPIRE * 1000;
	r *= burst;
	for (i = 0; i < ARRAY_SIZE(units) - 1; i++)
		if (r >= units[i].thresh)
			break;
	strbuf_addf(sb, " --hashlimit-burst %llu%sb", (unsigned long long)(r / units[i].thresh),
		    units[i].name);
	return HL_BYTE_EXPIRE_BURST * 1000;
}

/* hashlimit revisions 1-3, widened to revision 3's cfg as cfg_copy() does. */
static bool match_hashlimit(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			    uint32_t len)
{
	struct hashlimit_cfg3 c;
	char name[NAME_MAX + 1];
	unsigned int dmask = family == NFPROTO_IPV6 ? 128 : 32;
	uint64_t quantum;

	memset(&c, 0, sizeof(c));
	if (rev == 1) {
		const struct xt_hashlimit_mtinfo1 *h = info;

		if (!HAS_UPTO(struct xt_hashlimit_mtinfo1, hinfo, len))
			return false;
		c.mode = h->cfg.mode;
		c.avg = h->cfg.avg;
		c.burst = h->cfg.burst;
		c.size = h->cfg.size;
		c.max = h->cfg.max;
		c.gc_interval = h->cfg.gc_interval;
		c.expire = h->cfg.expire;
		c.srcmask = h->cfg.srcmask;
		c.dstmask = h->cfg.dstmask;
		rule_text_xt_field(name, sizeof(name), h->name, sizeof(h->name));
	} else if (rev == 2 || rev == 3) {
		const struct xt_hashlimit_mtinfo2 *h = info;	/* rev 3's name is the same */

		if (!HAS_UPTO(struct xt_hashlimit_mtinfo3, hinfo, len))
			return false;
		if (rev == 2) {
			memcpy(&c, &h->cfg, offsetof(struct hashlimit_cfg2, srcmask));
			c.srcmask = h->cfg.srcmask;
			c.dstmask = h->cfg.dstmask;
		} else {
			c = ((const struct xt_hashlimit_mtinfo3 *)info)->cfg;
		}
		rule_text_xt_field(name, sizeof(name), h->name, sizeof(h->name));
	} else {
		return false;
	}
	strbuf_add(sb, " -m hashlimit");
	strbuf_add(sb, (c.mode & XT_HASHLIMIT_INVERT) ? " --hashlimit-above" : " --hashlimit-upto");
	if (c.mode & XT_HASHLIMIT_BYTES) {
		quantum = hl_bytes(sb, c.avg, c.burst);
	} else {
		quantum = hl_rate(sb, c.avg, rev == 1 ? XT_HASHLIMIT_SCALE : XT_HASHLIMIT_SCALE_v2);
		strbuf_addf(sb, " --hashlimit-burst %llu", (unsigned long long)c.burst);
	}
	if (c.mode & (XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_HASH_SPT | XT_HASHLIMIT_HASH_DIP |
		      XT_HASHLIMIT_HASH_DPT)) {
		static const struct { uint32_t bit; const char *name; } modes[] = {
			{ XT_HASHLIMIT_HASH_SIP, "srcip" }, { XT_HASHLIMIT_HASH_SPT, "srcport" },
			{ XT_HASHLIMIT_HASH_DIP, "dstip" }, { XT_HASHLIMIT_HASH_DPT, "dstport" },
		};
		const char *sep = " ";
		size_t i;

		strbuf_add(sb, " --hashlimit-mode");
		for (i = 0; i < ARRAY_SIZE(modes); i++)
			if (c.mode & modes[i].bit) {
				strbuf_addf(sb, "%s%s", sep, modes[i].name);
				sep = ",";
			}
	}
	strbuf_addf(sb, " --hashlimit-name %s", name);
	if (c.size)
		strbuf_addf(sb, " --hashlimit-htable-size %u", c.size);
	if (c.max)
		strbuf_addf(sb, " --hashlimit-htable-max %u", c.max);
	if (c.gc_interval != HL_GCINTERVAL)
		strbuf_addf(sb, " --hashlimit-htable-gcinterval %u", c.gc_interval);
	if (c.expire != (uint32_t)quantum)
		strbuf_addf(sb, " --hashlimit-htable-expire %u", c.expire);
	if (c.srcmask != dmask)
		strbuf_addf(sb, " --hashlimit-srcmask %u", c.srcmask);
	if (c.dstmask != dmask)
		strbuf_addf(sb, " --hashlimit-dstmask %u", c.dstmask);
	if (rev == 3 && (c.mode & XT_HASHLIMIT_RATE_MATCH)) {
		strbuf_add(sb, " --hashlimit-rate-match");
		if (c.interval != 1)
			strbuf_addf(sb, " --hashlimit-rate-interval %u", c.interval);
	}
	return true;
}

/* --- the tables ------------------------------------------------------- */

static const struct rt_xt_ext matches[] = {
	{ "set", rule_text_ipset_match },
	{ "rpfilter", match_rpfilter },
	{ "socket", match_socket },
	{ "policy", match_policy },
	{ "tos", match_tos },
	{ "connbytes", match_connbytes },
	{ "string", match_string },
	{ "u32", match_u32 },
	{ "time", match_time },
	{ "hashlimit", match_hashlimit },
	{ "ecn", match_ecn },
	{ "cgroup", match_cgroup },
};

static const struct rt_xt_ext *find(const struct rt_xt_ext *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

const struct rt_xt_ext *rule_text_xt_ext_match(const char *name)
{
	const struct rt_xt_ext *e = find(matches, ARRAY_SIZE(matches), name);

	if (!e)
		e = find(rule_text_xt_hdr_matches, rule_text_xt_hdr_nmatches, name);
	return e ? e : find(rule_text_xt_ip6_matches, rule_text_xt_ip6_nmatches, name);
}

const struct rt_xt_ext *rule_text_xt_ext_target(const char *name)
{
	return find(rule_text_xt_ext_targets, rule_text_xt_ext_ntargets, name);
}
