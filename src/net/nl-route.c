/*
 * nl-route.c - one routing decision from the kernel (RTM_GETROUTE, like
 * `ip route get`): type, output interface, gateway, preferred source and
 * table, mapped to the netfilter hook path. No privilege needed. Does not
 * dump routing tables, does not know conntrack (conntrack_text_route() does).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "iptop.h"
#include "nl.h"
#include "route.h"

struct nlroute {
	struct nlsock *s;
	struct nlbuf buf;
};

struct nlroute *nlroute_open(void)
{
	struct nlsock *s = nlsock_open(NETLINK_ROUTE);
	struct nlroute *r;

	if (!s)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->s = s;
	return r;
}

void nlroute_close(struct nlroute *r)
{
	if (!r)
		return;
	nlsock_close(r->s);
	nlbuf_free(&r->buf);
	free(r);
}

const char *nlroute_path_name(enum route_path p)
{
	switch (p) {
	case ROUTE_PATH_INPUT: return "INPUT";
	case ROUTE_PATH_FORWARD: return "FORWARD";
	case ROUTE_PATH_OUTPUT: return "OUTPUT";
	default: return "none";
	}
}

const char *nlroute_type_name(uint8_t t)
{
	static const char *const names[] = {
		[RTN_UNSPEC] = "none", [RTN_UNICAST] = "unicast", [RTN_LOCAL] = "local",
		[RTN_BROADCAST] = "broadcast", [RTN_ANYCAST] = "anycast",
		[RTN_MULTICAST] = "multicast", [RTN_BLACKHOLE] = "blackhole",
		[RTN_UNREACHABLE] = "unreachable", [RTN_PROHIBIT] = "prohibit",
		[RTN_THROW] = "throw", [RTN_NAT] = "nat", [RTN_XRESOLVE] = "xresolve",
	};

	return t < ARRAY_SIZE(names) && names[t] ? names[t] : "other";
}

static int route_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;   /* newer than we know: skip */
	switch (type) {
	case RTA_OIF:
	case RTA_IIF:
	case RTA_TABLE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	default:
		break;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

static void copy_addr(const struct nlattr *a, uint8_t family, uint8_t *out, bool *has)
{
	size_t alen = family == AF_INET6 ? 16 : 4;

	if (!a || mnl_attr_get_payload_len(a) != alen)
		return;
	memcpy(out, mnl_attr_get_payload(a), alen);
	*has = true;
}

int nlroute_parse(const void *buf, size_t len, struct route_result *res)
{
	const struct nlmsghdr *nlh = buf;
	const struct nlattr *tb[RTA_MAX + 1] = { NULL };
	const struct rtmsg *rtm;

	/* The kernel echoes RTA_IIF for input lookups (rt_fill_info,
	 * rt6_fill_node): the path comes from the reply alone. */
	memset(res, 0, sizeof(*res));
	if (!mnl_nlmsg_ok(nlh, (int)len) || nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*rtm)) {
		res->error = EBADMSG;
		errno = EBADMSG;
		return -1;
	}
	rtm = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb) < 0) {
		res->error = EBADMSG;
		errno = EBADMSG;
		return -1;
	}
	res->family = rtm->rtm_family;
	res->rtm_type = rtm->rtm_type;
	res->table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (tb[RTA_OIF])
		res->oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_IIF])
		res->iif = (int)mnl_attr_get_u32(tb[RTA_IIF]);
	copy_addr(tb[RTA_GATEWAY], rtm->rtm_family, res->gateway, &res->has_gateway);
	copy_addr(tb[RTA_PREFSRC], rtm->rtm_family, res->prefsrc, &res->has_prefsrc);

	switch (rtm->rtm_type) {
	case RTN_LOCAL:
		res->path = ROUTE_PATH_INPUT;
		break;
	case RTN_UNICAST:
		res->path = res->iif ? ROUTE_PATH_FORWARD : ROUTE_PATH_OUTPUT;
		break;
	case RTN_BROADCAST:
	case RTN_MULTICAST:
		res->path = res->iif ? ROUTE_PATH_INPUT : ROUTE_PATH_OUTPUT;
		break;
	default:
		res->path = ROUTE_PATH_NONE;
		break;
	}
	return 0;
}

int nlroute_get(struct nlroute *r, const struct route_query *q, struct route_result *res)
{
	char req[256];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t alen = q->family == AF_INET6 ? 16 : 4;
	int e;

	memset(res, 0, sizeof(*res));
	res->family = q->family;
	if (q->family != AF_INET && q->family != AF_INET6) {
		res->error = EAFNOSUPPORT;
		errno = EAFNOSUPPORT;
		return -1;
	}
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = q->family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	/* report the table the route really came from */
	rtm->rtm_flags = RTM_F_LOOKUP_TABLE;
	mnl_attr_put(nlh, RTA_DST, alen, q->dst);
	if (q->has_src) {
		rtm->rtm_src_len = (unsigned char)(alen * 8);
		mnl_attr_put(nlh, RTA_SRC, alen, q->src);
	}
	if (q->iif > 0)
		mnl_attr_put_u32(nlh, RTA_IIF, (uint32_t)q->iif);
	if (q->has_mark)
		mnl_attr_put_u32(nlh, RTA_MARK, q->mark);

	nlbuf_reset(&r->buf);
	if (nlsock_request(r->s, nlh, 1, &r->buf) < 0) {
		e = errno;
		res->error = e;
		errno = e;
		return -1;
	}
	if (nlroute_parse(r->buf.data, r->buf.len, res) < 0)
		return -1;
	/* names in the current netns: the one the kernel answered for */
	if (res->oif && !if_indextoname((unsigned int)res->oif, res->oif_name))
		snprintf(res->oif_name, sizeof(res->oif_name), "if%d", res->oif);
	if (res->iif && !if_indextoname((unsigned int)res->iif, res->iif_name))
		snprintf(res->iif_name, sizeof(res->iif_name), "if%d", res->iif);
	return 0;
}
