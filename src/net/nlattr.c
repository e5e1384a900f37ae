/*
 * nlattr.c - the netlink attribute validator behind include/nlattr.h:
 * a rule table per attribute set, one mnl_attr_parse*() callback. It only
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
	size_t len = mnl_attr_get_payload_len(a);

	return len == 0 || len >= MNL_ATTR_HDRLEN;
}

bool nlattr_str_ok(const struct nlattr *a)
{
	size_t len = mnl_attr_get_payload_len(a);

	return len > 0 && ((const char *)mnl_attr_get_payload(a))[len - 1] == '\0';
}

bool nlattr_check_one(const struct nlattr *a, const struct nlattr_rule *r, int depth)
{
	size_t len = mnl_attr_get_payload_len(a);

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

static int nlattr_check_cb(const struct nlattr *a, void *data)
{
	const struct nlattr_walk *w = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type > w->spec->max)
		return w->spec->strict ? MNL_CB_ERROR : MNL_CB_OK;
	return nlattr_check_one(a, &w->spec->r[type], w->depth) ? MNL_CB_OK : MNL_CB_ERROR;
}

bool nlattr_check_payload(const void *p, size_t len, const struct nlattr_spec *spec, int depth)
{
	struct nlattr_walk w = { spec, depth };

	if (spec->depth_max && depth > spec->depth_max)
		return false;
	return mnl_attr_parse_payload(p, len, nlattr_check_cb, &w) != MNL_CB_ERROR;
}

bool nlattr_check_nested(const struct nlattr *nest, const struct nlattr_spec *spec, int depth)
{
	return nlattr_check_payload(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), spec,
				    depth + spec->deeper);
}

bool nlattr_check_msg(const struct nlmsghdr *nlh, size_t offset, const struct nlattr_spec *spec)
{
	struct nlattr_walk w = { spec, 0 };

	return mnl_attr_parse(nlh, (unsigned int)offset, nlattr_check_cb, &w) != MNL_CB_ERROR;
}
