/*
 * nlattr.c - the netlink attribute validator behind include/nlattr.h:
 * a rule table per attribute set, walked inline. It only
 * says yes or no; the collectors' parsers read the attributes after it.
 */
#include "config.h"

#include <libmnl/libmnl.h>

#include "nlattr.h"

/* What the callback walks with. */
struct nlattr_walk {
	const struct nlattr_spec *spec;
	int depth;
};

int nlattr_tb_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr_tb *t = data;

	if (mnl_attr_type_valid(attr, t->max) < 0)
		return MNL_CB_OK;
	t->a[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

bool nlattr_nested_len_ok(const struct nlattr *a)
{
	size_t len = nlattr_len(a);

	return len == 0 || len >= NLA_HDRLEN;
}

bool nlattr_str_ok(const struct nlattr *a)
{
	size_t len = nlattr_len(a);

	return len > 0 && ((const char *)nlattr_data(a))[len - 1] == '\0';
}

/* One attribute against its rule; inline in the walk below, which every
 * attribute of every conntrack flow of a dump comes through. */
static inline bool check_one(const struct nlattr *a, const struct nlattr_rule *r, int depth)
{
	size_t len = nlattr_len(a);

	switch (r->kind) {
	case NLATTR_ANY:
		return !r->nest || nlattr_check_nested(a, r->nest, depth);
	case NLATTR_U8:
		return len == 1;
	case NLATTR_U16:
		return len == 2;
	case NLATTR_U32:
		return len == 4;
	case NLATTR_U64:
		return len == 8;
	case NLATTR_STR:
		return nlattr_str_ok(a);
	case NLATTR_NEST:
		return nlattr_nested_len_ok(a) && (!r->nest || nlattr_check_nested(a, r->nest, depth));
	case NLATTR_LEN:
		return len == r->len;
	case NLATTR_MAXLEN:
		return len > 0 && len <= r->len;
	case NLATTR_FN:
		return r->fn(a, depth);
	default:
		return true;
	}
}

/* The walk is libmnl's mnl_attr_parse_payload() with nlattr_ok() and
 * nlattr_next() inline: a call into the library and a callback per
 * attribute were a tenth of a 100k-flow dump's userspace time. */
bool nlattr_check_payload(const void *p, size_t len, const struct nlattr_spec *spec, int depth)
{
	const void *end = (const char *)p + len;
	const struct nlattr *a;

	if (spec->depth_max && depth > spec->depth_max)
		return false;
	for (a = p; nlattr_ok(a, end); a = nlattr_next(a)) {
		uint16_t type = nlattr_type(a);

		if (type > spec->max) {
			if (spec->strict)
				return false;
			continue;
		}
		if (!check_one(a, &spec->r[type], depth))
			return false;
	}
	return true;
}

bool nlattr_check_nested(const struct nlattr *nest, const struct nlattr_spec *spec, int depth)
{
	return nlattr_check_payload(nlattr_data(nest), nlattr_len(nest), spec,
				    depth + spec->deeper);
}

bool nlattr_check_msg(const struct nlmsghdr *nlh, size_t offset, const struct nlattr_spec *spec)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(offset), tail = NLMSG_ALIGN(nlh->nlmsg_len);

	/* as mnl_attr_parse(): from the aligned offset to the aligned end; a
	 * message shorter than the offset has no attributes */
	if (tail < off)
		return true;
	return nlattr_check_payload((const char *)nlh + off, tail - off, spec, 0);
}
