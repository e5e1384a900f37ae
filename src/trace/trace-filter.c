/*
 * trace-filter.c - the packet trace filter: iptables words ("-p tcp
 * --dport 8080 -s 172.20.0.0/16") parsed into a struct trace_filter, and
 * printed back as nft words for the status line. Pure: no sockets, no
 * libnftnl (collect-trace.c compiles the filter into expressions), no DNS
 * (a host name is an error, as the kernel matches addresses).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "iptop.h"
#include "trace.h"

#define FILTER_MAX_WORDS 64

struct name_num {
	const char *name;
	int num;
};

static const struct name_num protocols[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "ipv6-icmp", IPPROTO_ICMPV6 }, { "icmp6", IPPROTO_ICMPV6 },
	{ "sctp", IPPROTO_SCTP }, { "udplite", IPPROTO_UDPLITE }, { "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH }, { "gre", IPPROTO_GRE }, { "igmp", IPPROTO_IGMP },
};

static const struct name_num icmp_types[] = {
	{ "echo-reply", 0 }, { "destination-unreachable", 3 }, { "source-quench", 4 },
	{ "redirect", 5 }, { "echo-request", 8 }, { "router-advertisement", 9 },
	{ "router-solicitation", 10 }, { "time-exceeded", 11 }, { "parameter-problem", 12 },
	{ "timestamp-request", 13 }, { "timestamp-reply", 14 },
};

static const struct name_num icmpv6_types[] = {
	{ "destination-unreachable", 1 }, { "packet-too-big", 2 }, { "time-exceeded", 3 },
	{ "parameter-problem", 4 }, { "echo-request", 128 }, { "echo-reply", 129 },
	{ "router-solicitation", 133 }, { "router-advertisement", 134 },
	{ "neighbour-solicitation", 135 }, { "neighbour-advertisement", 136 },
	{ "nd-neighbor-solicit", 135 }, { "nd-neighbor-advert", 136 }, { "redirect", 137 },
};

static int lookup(const struct name_num *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return t[i].num;
	return -1;
}

static const char *rlookup(const struct name_num *t, size_t n, int num)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

/* Split text into words; '...' and "..." group. Returns count or -1. */
static int split_words(const char *text, char **words, int max, char **cause)
{
	const char *p = text;
	int n = 0;

	for (;;) {
		struct strbuf w;
		char quote = 0;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			return n;
		if (n == max) {
			*cause = xasprintf("trace filter: too many words (at most %d)", max);
			goto fail;
		}
		strbuf_init(&w);
		while (*p && (quote || !isspace((unsigned char)*p))) {
			if (quote && *p == quote)
				quote = 0;
			else if (!quote && (*p == '\'' || *p == '"'))
				quote = *p;
			else
				strbuf_addc(&w, *p);
			p++;
		}
		if (quote) {
			strbuf_free(&w);
			*cause = xasprintf("trace filter: unterminated quote %c", quote);
			goto fail;
		}
		words[n++] = strbuf_steal(&w);
	}
fail:
	while (n > 0)
		free(words[--n]);
	return -1;
}

static int parse_u32(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_proto(const char *s, struct trace_filter *f, char **cause)
{
	unsigned long v;
	int p;

	if (strcasecmp(s, "all") == 0 || strcmp(s, "0") == 0) {
		if (f->proto_inv) {
			*cause = xasprintf("trace filter: '! -p %s' matches nothing", s);
			return -1;
		}
		f->proto_set = false;
		return 0;
	}
	p = lookup(protocols, ARRAY_SIZE(protocols), s);
	if (p < 0 && parse_u32(s, 255, &v) == 0)
		p = (int)v;
	if (p < 0) {
		*cause = xasprintf("trace filter: unknown protocol '%s' "
				   "(tcp, udp, icmp, icmpv6, sctp, udplite, esp, ah, gre or a number)", s);
		return -1;
	}
	f->proto_set = true;
	f->proto = (uint8_t)p;
	return 0;
}

static int parse_addr(const char *opt, const char *s, struct trace_addr *a, char **cause)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	int maxlen, i;
	unsigned long plen;

	if (hl == 0 || hl >= sizeof(host))
		goto bad;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(a->addr, 0, sizeof(a->addr));
	if (inet_pton(AF_INET, host, a->addr) == 1) {
		a->nfproto = NFPROTO_IPV4;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, host, a->addr) == 1) {
		a->nfproto = NFPROTO_IPV6;
		maxlen = 128;
	} else {
		*cause = xasprintf("trace filter: %s: '%s' is not an IP address (host names are not resolved)",
				   opt, host);
		return -1;
	}
	plen = (unsigned long)maxlen;
	if (slash) {
		uint8_t mask[16];

		if (parse_u32(slash + 1, (unsigned long)maxlen, &plen) < 0) {
			/* iptables also takes a dotted mask: 255.255.0.0 */
			int bits = 0, seen_zero = 0;

			if (maxlen != 32 || inet_pton(AF_INET, slash + 1, mask) != 1)
				goto bad;
			for (i = 0; i < 32; i++) {
				int bit = (mask[i / 8] >> (7 - i % 8)) & 1;

				if (bit && seen_zero)
					goto bad;
				if (!bit)
					seen_zero = 1;
				else
					bits++;
			}
			plen = (unsigned long)bits;
		}
	}
	a->plen = (uint8_t)plen;
	for (i = 0; i < maxlen / 8; i++) {
		int keep = (int)plen - i * 8;

		if (keep >= 8)
			continue;
		a->addr[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
	a->set = true;
	return 0;
bad:
	*cause = xasprintf("trace filter: %s: bad address '%s'", opt, s);
	return -1;
}

static int parse_port1(const char *s, const char *proto, unsigned long *out)
{
	struct servent *se;

	if (parse_u32(s, 65535, out) == 0)
		return 0;
	se = getservbyname(s, proto);
	if (!se)
		return -1;
	*out = ntohs((uint16_t)se->s_port);
	return 0;
}

static int parse_ports(const char *opt, const char *s, const struct trace_filter *f,
		       struct trace_ports *p, char **cause)
{
	char lo[64];
	const char *colon = strchr(s, ':');
	const char *pname = f->proto == IPPROTO_UDP ? "udp" : "tcp";
	unsigned long a, b;

	if (strlen(s) >= sizeof(lo))
		goto bad;
	if (colon) {
		memcpy(lo, s, (size_t)(colon - s));
		lo[colon - s] = '\0';
		/* iptables: ":N" is 0:N, "N:" is N:65535 */
		if (!*lo)
			a = 0;
		else if (parse_port1(lo, pname, &a) < 0)
			goto bad;
		if (!colon[1])
			b = 65535;
		else if (parse_port1(colon + 1, pname, &b) < 0)
			goto bad;
		if (a > b)
			goto bad;
	} else {
		if (parse_port1(s, pname, &a) < 0)
			goto bad;
		b = a;
	}
	p->lo = (uint16_t)a;
	p->hi = (uint16_t)b;
	p->set = true;
	return 0;
bad:
	*cause = xasprintf("trace filter: %s: bad port '%s' (PORT or FIRST:LAST)", opt, s);
	return -1;
}

static int parse_ifname(const char *opt, const char *s, struct trace_ifname *i, char **cause)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '+') {
		i->wildcard = true;
		n--;
	}
	if (n == 0 && !i->wildcard) {
		*cause = xasprintf("trace filter: %s: empty interface name", opt);
		return -1;
	}
	if (n >= TRACE_IFNAMSIZ) {
		*cause = xasprintf("trace filter: %s: interface name '%s' is longer than %d characters",
				   opt, s, TRACE_IFNAMSIZ - 1);
		return -1;
	}
	if (memchr(s, '/', n) || memchr(s, ' ', n)) {
		*cause = xasprintf("trace filter: %s: bad interface name '%s'", opt, s);
		return -1;
	}
	memset(i->name, 0, sizeof(i->name));
	memcpy(i->name, s, n);
	i->set = true;
	return 0;
}

static int parse_icmp_type(const char *opt, const char *s, struct trace_filter *f, char **cause)
{
	char type[64];
	const char *slash = strchr(s, '/');
	bool v6 = f->proto == IPPROTO_ICMPV6;
	unsigned long v;
	int t;

	if (!f->proto_set || f->proto_inv || (f->proto != IPPROTO_ICMP && f->proto != IPPROTO_ICMPV6)) {
		*cause = xasprintf("trace filter: %s needs -p icmp or -p icmpv6 before it", opt);
		return -1;
	}
	if (strlen(s) >= sizeof(type))
		goto bad;
	snprintf(type, sizeof(type), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	t = v6 ? lookup(icmpv6_types, ARRAY_SIZE(icmpv6_types), type)
	       : lookup(icmp_types, ARRAY_SIZE(icmp_types), type);
	if (t < 0 && parse_u32(type, 255, &v) == 0)
		t = (int)v;
	if (t < 0)
		goto bad;
	f->icmp_type = (uint8_t)t;
	f->icmp_code = -1;
	if (slash) {
		if (parse_u32(slash + 1, 255, &v) < 0)
			goto bad;
		f->icmp_code = (int)v;
	}
	f->icmp_type_set = true;
	return 0;
bad:
	*cause = xasprintf("trace filter: %s: unknown ICMP%s type '%s' (a number or e.g. echo-request)",
			   opt, v6 ? "v6" : "", s);
	return -1;
}

static int set_family(struct trace_filter *f, uint8_t nfproto, const char *why, char **cause)
{
	if (f->nfproto && f->nfproto != nfproto) {
		*cause = xasprintf("trace filter: %s conflicts with %s", why,
				   f->nfproto == NFPROTO_IPV4 ? "IPv4 (-4 or an IPv4 address)"
							      : "IPv6 (-6 or an IPv6 address)");
		return -1;
	}
	f->nfproto = nfproto;
	return 0;
}

enum opt_id {
	OPT_4, OPT_6, OPT_PROTO, OPT_SRC, OPT_DST, OPT_SPORT, OPT_DPORT, OPT_IIF, OPT_OIF,
	OPT_ICMP, OPT_MATCH,
};

static const struct {
	const char *name;
	enum opt_id id;
	bool arg;
	bool negatable;
} options[] = {
	{ "-4", OPT_4, false, false }, { "--ipv4", OPT_4, false, false },
	{ "-6", OPT_6, false, false }, { "--ipv6", OPT_6, false, false },
	{ "-p", OPT_PROTO, true, true }, { "--protocol", OPT_PROTO, true, true },
	{ "-s", OPT_SRC, true, true }, { "--source", OPT_SRC, true, true }, { "--src", OPT_SRC, true, true },
	{ "-d", OPT_DST, true, true }, { "--destination", OPT_DST, true, true }, { "--dst", OPT_DST, true, true },
	{ "--sport", OPT_SPORT, true, true }, { "--source-port", OPT_SPORT, true, true },
	{ "--dport", OPT_DPORT, true, true }, { "--destination-port", OPT_DPORT, true, true },
	{ "-i", OPT_IIF, true, true }, { "--in-interface", OPT_IIF, true, true },
	{ "-o", OPT_OIF, true, true }, { "--out-interface", OPT_OIF, true, true },
	{ "--icmp-type", OPT_ICMP, true, true }, { "--icmpv6-type", OPT_ICMP, true, true },
	{ "-m", OPT_MATCH, true, false }, { "--match", OPT_MATCH, true, false },
};

static bool port_proto(const struct trace_filter *f)
{
	return f->proto_set && !f->proto_inv &&
	       (f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP || f->proto == IPPROTO_SCTP ||
		f->proto == IPPROTO_UDPLITE);
}

static int apply_option(struct trace_filter *f, enum opt_id id, const char *opt, bool inv,
			const char *arg, unsigned int *seen, char **cause)
{
	if (id != OPT_MATCH && (*seen & (1u << id))) {
		*cause = xasprintf("trace filter: %s given twice", opt);
		return -1;
	}
	*seen |= 1u << id;
	switch (id) {
	case OPT_4:
		return set_family(f, NFPROTO_IPV4, opt, cause);
	case OPT_6:
		return set_family(f, NFPROTO_IPV6, opt, cause);
	case OPT_PROTO:
		f->proto_inv = inv;
		return parse_proto(arg, f, cause);
	case OPT_SRC:
	case OPT_DST: {
		struct trace_addr *a = id == OPT_SRC ? &f->src : &f->dst;
		char *why;
		int rc;

		if (parse_addr(opt, arg, a, cause) < 0)
			return -1;
		a->inv = inv;
		why = xasprintf("%s %s", opt, arg);
		rc = set_family(f, a->nfproto, why, cause);
		free(why);
		return rc;
	}
	case OPT_SPORT:
	case OPT_DPORT: {
		struct trace_ports *p = id == OPT_SPORT ? &f->sport : &f->dport;

		if (!port_proto(f)) {
			*cause = xasprintf("trace filter: %s needs -p tcp, udp, sctp or udplite before it", opt);
			return -1;
		}
		if (parse_ports(opt, arg, f, p, cause) < 0)
			return -1;
		p->inv = inv;
		return 0;
	}
	case OPT_IIF:
	case OPT_OIF: {
		struct trace_ifname *i = id == OPT_IIF ? &f->iif : &f->oif;

		if (parse_ifname(opt, arg, i, cause) < 0)
			return -1;
		i->inv = inv;
		return 0;
	}
	case OPT_ICMP:
		if (parse_icmp_type(opt, arg, f, cause) < 0)
			return -1;
		if (inv && f->icmp_code >= 0) {
			*cause = xasprintf("trace filter: ! %s with a code (TYPE/CODE) is not supported", opt);
			return -1;
		}
		f->icmp_type_inv = inv;
		return 0;
	case OPT_MATCH:
		/* "-m tcp" and friends are implied by -p; anything else is a
		 * match iptop cannot compile into the trace rule. */
		if (lookup(protocols, ARRAY_SIZE(protocols), arg) < 0) {
			*cause = xasprintf("trace filter: -m %s is not supported "
					   "(use -p, -s, -d, --sport, --dport, --icmp-type, -i, -o, -4, -6)", arg);
			return -1;
		}
		return 0;
	}
	return 0;
}

int trace_filter_parse(const char *text, struct trace_filter *f, char **cause)
{
	char *words[FILTER_MAX_WORDS];
	unsigned int seen = 0;
	int n, i, rc = -1;
	bool inv = false;

	memset(f, 0, sizeof(*f));
	f->icmp_code = -1;
	*cause = NULL;
	if (!text)
		return 0;
	n = split_words(text, words, FILTER_MAX_WORDS, cause);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const char *w = words[i];
		const char *arg = NULL;
		size_t k;

		if (strcmp(w, "!") == 0) {
			if (inv) {
				*cause = xasprintf("trace filter: '!' given twice");
				goto out;
			}
			inv = true;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(options); k++)
			if (strcmp(w, options[k].name) == 0)
				break;
		if (k == ARRAY_SIZE(options)) {
			if (w[0] == '-')
				*cause = xasprintf("trace filter: unknown option '%s'", w);
			else
				*cause = xasprintf("trace filter: unexpected word '%s' (options start with -)", w);
			goto out;
		}
		if (inv && !options[k].negatable) {
			*cause = xasprintf("trace filter: %s cannot be negated with '!'", w);
			goto out;
		}
		if (options[k].arg) {
			if (i + 1 < n && strcmp(words[i + 1], "!") == 0 && options[k].negatable) {
				/* old iptables form: -s ! 1.2.3.4 */
				if (inv) {
					*cause = xasprintf("trace filter: '!' given twice");
					goto out;
				}
				inv = true;
				i++;
			}
			if (i + 1 >= n || (words[i + 1][0] == '-' && words[i + 1][1] != '\0' &&
					   !isdigit((unsigned char)words[i + 1][1]))) {
				*cause = xasprintf("trace filter: %s needs an argument", w);
				goto out;
			}
			arg = words[++i];
		}
		if (apply_option(f, options[k].id, w, inv, arg, &seen, cause) < 0)
			goto out;
		inv = false;
	}
	if (inv) {
		*cause = xasprintf("trace filter: '!' at the end, with nothing to negate");
		goto out;
	}
	if (f->proto_set && !f->proto_inv && f->proto == IPPROTO_ICMP && f->nfproto == NFPROTO_IPV6) {
		*cause = xasprintf("trace filter: -p icmp is IPv4; with IPv6 use -p icmpv6");
		goto out;
	}
	if (f->proto_set && !f->proto_inv && f->proto == IPPROTO_ICMPV6 && f->nfproto == NFPROTO_IPV4) {
		*cause = xasprintf("trace filter: -p icmpv6 is IPv6; with IPv4 use -p icmp");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(words[i]);
	if (rc < 0)
		memset(f, 0, sizeof(*f));
	return rc;
}

/* ---- nft words ---------------------------------------------------------- */

static void sep(struct strbuf *sb)
{
	if (sb->len)
		strbuf_addc(sb, ' ');
}

static void add_addr(struct strbuf *sb, const char *dir, const struct trace_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(a->nfproto == NFPROTO_IPV4 ? AF_INET : AF_INET6, a->addr, buf, sizeof(buf));
	sep(sb);
	strbuf_addf(sb, "%s %s %s%s", a->nfproto == NFPROTO_IPV4 ? "ip" : "ip6", dir,
		    a->inv ? "!= " : "", buf);
	if (a->plen != (a->nfproto == NFPROTO_IPV4 ? 32 : 128))
		strbuf_addf(sb, "/%u", a->plen);
}

static void add_ifname(struct strbuf *sb, const char *key, const struct trace_ifname *i)
{
	sep(sb);
	strbuf_addf(sb, "%s %s\"%s%s\"", key, i->inv ? "!= " : "", i->name, i->wildcard ? "*" : "");
}

static const char *proto_word(uint8_t p)
{
	const char *n = rlookup(protocols, ARRAY_SIZE(protocols), p);

	return n ? n : NULL;
}

static void add_ports(struct strbuf *sb, const struct trace_filter *f, const char *dir,
		      const struct trace_ports *p)
{
	const char *pw = proto_word(f->proto);

	sep(sb);
	strbuf_addf(sb, "%s %s %s", pw ? pw : "th", dir, p->inv ? "!= " : "");
	if (p->lo == p->hi)
		strbuf_addf(sb, "%u", p->lo);
	else
		strbuf_addf(sb, "%u-%u", p->lo, p->hi);
}

bool trace_filter_has_tuple(const struct trace_filter *f)
{
	return f->src.set || f->dst.set || f->sport.set || f->dport.set;
}

void trace_filter_nft(const struct trace_filter *f, struct strbuf *sb)
{
	struct strbuf tmp;

	/* Build in a separate buffer so sep() sees only this filter. */
	strbuf_init(&tmp);
	if (f->nfproto)
		strbuf_addf(&tmp, "meta nfproto %s", f->nfproto == NFPROTO_IPV4 ? "ipv4" : "ipv6");
	if (f->iif.set)
		add_ifname(&tmp, "iifname", &f->iif);
	if (f->oif.set)
		add_ifname(&tmp, "oifname", &f->oif);
	if (f->proto_set) {
		const char *pw = proto_word(f->proto);

		sep(&tmp);
		if (pw)
			strbuf_addf(&tmp, "meta l4proto %s%s", f->proto_inv ? "!= " : "", pw);
		else
			strbuf_addf(&tmp, "meta l4proto %s%u", f->proto_inv ? "!= " : "", f->proto);
	}
	if (f->src.set)
		add_addr(&tmp, "saddr", &f->src);
	if (f->dst.set)
		add_addr(&tmp, "daddr", &f->dst);
	if (f->sport.set)
		add_ports(&tmp, f, "sport", &f->sport);
	if (f->dport.set)
		add_ports(&tmp, f, "dport", &f->dport);
	if (f->icmp_type_set) {
		bool v6 = f->proto == IPPROTO_ICMPV6;
		const char *tn = v6 ? rlookup(icmpv6_types, ARRAY_SIZE(icmpv6_types), f->icmp_type)
				    : rlookup(icmp_types, ARRAY_SIZE(icmp_types), f->icmp_type);

		sep(&tmp);
		strbuf_addf(&tmp, "%s type %s", v6 ? "icmpv6" : "icmp", f->icmp_type_inv ? "!= " : "");
		if (tn)
			strbuf_add(&tmp, tn);
		else
			strbuf_addf(&tmp, "%u", f->icmp_type);
		if (f->icmp_code >= 0)
			strbuf_addf(&tmp, " %s code %d", v6 ? "icmpv6" : "icmp", f->icmp_code);
	}
	strbuf_add(sb, tmp.s ? tmp.s : "");
	strbuf_free(&tmp);
}
