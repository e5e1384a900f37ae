/*
 * rule-text-xt-ip6.c - decoders for the IPv6 extension header matches
 * (-m hbh, dst, mh, ah, eui64, ipv6header; IPv4's -m ah too): the words
 * libip6t_*.c / libipt_ah.c save() print (iptables 1.8.9), from the
 * kernel UAPI layouts. rt and frag are rule-text-xt-match.c's.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ipt_ah.h>
#include <linux/netfilter_ipv6/ip6t_opts.h>
#include <linux/netfilter_ipv6/ip6t_mh.h>
#include <linux/netfilter_ipv6/ip6t_ah.h>
#include <linux/netfilter_ipv6/ip6t_ipv6header.h>

#include "iptop.h"
#include "rule-text-int.h"

#define HAS(type, len) ((len) >= sizeof(type))

/* hbh_save() / dst_save(): --X-len, --X-opts TYPE[:LEN],... */
static bool opts_save(struct strbuf *sb, const char *what, uint8_t family, uint32_t rev,
		      const void *info, uint32_t len)
{
	const struct ip6t_opts *o = info;
	unsigned int i;

	if (family != NFPROTO_IPV6 || rev != 0 || !HAS(*o, len) || o->optsnr > IP6T_OPTS_OPTSNR)
		return false;
	strbuf_addf(sb, " -m %s", what);
	if (o->flags & IP6T_OPTS_LEN)
		strbuf_addf(sb, "%s --%s-len %u", (o->invflags & IP6T_OPTS_INV_LEN) ? " !" : "", what,
			    o->hdrlen);
	if (o->flags & IP6T_OPTS_OPTS)
		strbuf_addf(sb, " --%s-opts", what);
	for (i = 0; i < o->optsnr; i++) {
		strbuf_addf(sb, "%c%d", i ? ',' : ' ', (o->opts[i] & 0xff00) >> 8);
		if ((o->opts[i] & 0x00ff) != 0x00ff)
			strbuf_addf(sb, ":%d", o->opts[i] & 0x00ff);
	}
	return true;
}

static bool match_hbh(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	return opts_save(sb, "hbh", family, rev, info, len);
}

static bool match_dst(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		      uint32_t len)
{
	return opts_save(sb, "dst", family, rev, info, len);
}

static bool match_mh(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		     uint32_t len)
{
	const struct ip6t_mh *m = info;

	if (family != NFPROTO_IPV6 || rev != 0 || !HAS(*m, len))
		return false;
	strbuf_add(sb, " -m mh");
	if (m->types[0] == 0 && m->types[1] == 0xff)
		return true;
	if (m->invflags & IP6T_MH_INV_TYPE)
		strbuf_add(sb, " !");
	if (m->types[0] != m->types[1])
		strbuf_addf(sb, " --mh-type %u:%u", m->types[0], m->types[1]);
	else
		strbuf_addf(sb, " --mh-type %u", m->types[0]);
	return true;
}

/* " [!] --ahspi A[:B]" unless every SPI. */
static void add_spis(struct strbuf *sb, const uint32_t spis[2], bool inv)
{
	if (spis[0] == 0 && spis[1] == 0xffffffffu)
		return;
	strbuf_addf(sb, "%s --ahspi ", inv ? " !" : "");
	if (spis[0] != spis[1])
		strbuf_addf(sb, "%u:%u", spis[0], spis[1]);
	else
		strbuf_addf(sb, "%u", spis[0]);
}

/* ah: IPv4 (libipt_ah: SPIs only) and IPv6 (libip6t_ah: length, reserved). */
static bool match_ah(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
		     uint32_t len)
{
	if (rev != 0)
		return false;
	if (family == NFPROTO_IPV6) {
		const struct ip6t_ah *a = info;

		if (!HAS(*a, len))
			return false;
		strbuf_add(sb, " -m ah");
		add_spis(sb, a->spis, a->invflags & IP6T_AH_INV_SPI);
		if (a->hdrlen != 0 || (a->invflags & IP6T_AH_INV_LEN))
			strbuf_addf(sb, "%s --ahlen %u", (a->invflags & IP6T_AH_INV_LEN) ? " !" : "",
				    a->hdrlen);
		if (a->hdrres != 0)
			strbuf_add(sb, " --ahres");
		return true;
	}
	if (!HAS(struct ipt_ah, len))
		return false;
	strbuf_add(sb, " -m ah");
	add_spis(sb, ((const struct ipt_ah *)info)->spis,
		 ((const struct ipt_ah *)info)->invflags & IPT_AH_INV_SPI);
	return true;
}

static bool match_eui64(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			uint32_t len)
{
	(void)info;
	(void)len;
	if (family != NFPROTO_IPV6 || rev != 0)
		return false;
	strbuf_add(sb, " -m eui64");
	return true;
}

/* libip6t_ipv6header print_header(): its own names for 0 and 255, the
 * protocol names for the rest, in mask bit order. */
static bool match_ipv6header(struct strbuf *sb, uint8_t family, uint32_t rev, const void *info,
			     uint32_t len)
{
	static const struct { uint8_t proto, flag; } hdrs[] = {
		{ IPPROTO_HOPOPTS, MASK_HOPOPTS }, { IPPROTO_DSTOPTS, MASK_DSTOPTS },
		{ IPPROTO_ROUTING, MASK_ROUTING }, { IPPROTO_FRAGMENT, MASK_FRAGMENT },
		{ IPPROTO_AH, MASK_AH }, { IPPROTO_ESP, MASK_ESP },
		{ IPPROTO_NONE, MASK_NONE }, { IPPROTO_RAW, MASK_PROTO },
	};
	const struct ip6t_ipv6header_info *h = info;
	const char *sep = "";
	size_t i;

	if (family != NFPROTO_IPV6 || rev != 0 || !HAS(*h, len))
		return false;
	strbuf_addf(sb, " -m ipv6header%s --header ", h->invflags ? " !" : "");
	for (i = 0; i < ARRAY_SIZE(hdrs); i++) {
		const char *name;

		if (!(h->matchflags & hdrs[i].flag))
			continue;
		name = hdrs[i].proto == IPPROTO_HOPOPTS ? "hop-by-hop" :
		       rule_text_xt_proto_name(hdrs[i].proto);
		strbuf_addf(sb, "%s%s", sep, name ? name : "protocol");
		sep = ",";
	}
	if (!*sep)
		strbuf_add(sb, "NONE");
	if (h->modeflag)
		strbuf_add(sb, " --soft");
	return true;
}

const struct rt_xt_ext rule_text_xt_ip6_matches[] = {
	{ "hbh", match_hbh },
	{ "dst", match_dst },
	{ "mh", match_mh },
	{ "ah", match_ah },
	{ "eui64", match_eui64 },
	{ "ipv6header", match_ipv6header },
};
const size_t rule_text_xt_ip6_nmatches = ARRAY_SIZE(rule_text_xt_ip6_matches);
