/*
 * nlattr.h - the one netlink attribute validator: a table of rules per
 * attribute type (size, NUL-terminated string, nest and the table for its
 * children), walked as libmnl's mnl_attr_parse*() walks (with the inline
 * helpers at the end of this file). The collectors check
 * untrusted messages (recordings, fuzzers) with it before a library that
 * trusts them (libnftnl, libnetfilter_conntrack) parses them. Types above
 * a table's max are skipped (a newer kernel) unless it is strict.
 */
#ifndef NLATTR_H
#define NLATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/netlink.h>

enum nlattr_kind {
	NLATTR_ANY,     /* anything; with nest, the payload is walked as a nest all the same */
	NLATTR_U8,      /* exactly 1, 2, 4, 8 bytes */
	NLATTR_U16,
	NLATTR_U32,
	NLATTR_U64,
	NLATTR_STR,     /* NUL-terminated, at least the NUL */
	NLATTR_NEST,    /* empty or at least an attribute header; nest: the children's rules */
	NLATTR_LEN,     /* exactly len bytes */
	NLATTR_MAXLEN,  /* 1 to len bytes */
	NLATTR_FN,      /* fn decides */
};

struct nlattr_spec;

/* The other idiom's callback, for messages read only by name: an
 * mnl_attr_parse*() callback that files each attribute in a[type], for
 * types up to max (a newer kernel's are skipped); a[] zeroed first. */
struct nlattr_tb {
	const struct nlattr **a;
	uint16_t max;
};
int nlattr_tb_cb(const struct nlattr *attr, void *data);

struct nlattr_rule {
	uint8_t kind;                       /* enum nlattr_kind */
	uint16_t len;                       /* NLATTR_LEN, NLATTR_MAXLEN */
	const struct nlattr_spec *nest;     /* NLATTR_NEST, NLATTR_ANY: children, or NULL */
	bool (*fn)(const struct nlattr *a, int depth);   /* NLATTR_FN */
};

struct nlattr_spec {
	uint16_t max;                  /* highest type the table has */
	bool strict;                   /* types above max are refused, not skipped */
	uint8_t deeper;                /* entering this table from a nest counts as a level */
	uint8_t depth_max;             /* refuse deeper than this (0: no limit) */
	const struct nlattr_rule *r;   /* max + 1 entries */
};

/* Attributes in payload p (len bytes) against spec at depth; the walk
 * stops at the first attribute that does not fit, as libmnl's does. */
bool nlattr_check_payload(const void *p, size_t len, const struct nlattr_spec *spec, int depth);
/* The children of nest against spec (depth + spec->deeper). */
bool nlattr_check_nested(const struct nlattr *nest, const struct nlattr_spec *spec, int depth);
/* A message's attributes after offset bytes of family header. */
bool nlattr_check_msg(const struct nlmsghdr *nlh, size_t offset, const struct nlattr_spec *spec);
/* Empty, or at least an attribute header (libmnl's MNL_TYPE_NESTED). */
bool nlattr_nested_len_ok(const struct nlattr *a);
/* NUL-terminated, as the kernel's nla_put_string() writes it. */
bool nlattr_str_ok(const struct nlattr *a);

/*
 * libmnl's attribute walk, inline, for the walks every attribute of every
 * rule of a first snapshot goes through (rule-text-msg.c, the collector's
 * raw walk): the same bounds as mnl_attr_ok() / mnl_attr_next(), without a
 * call into the library per attribute.
 */
static inline uint16_t nlattr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline uint16_t nlattr_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - NLA_HDRLEN);
}

static inline const void *nlattr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static inline bool nlattr_ok(const struct nlattr *a, const void *end)
{
	ptrdiff_t left = (const char *)end - (const char *)a;

	return left >= (ptrdiff_t)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= left;
}

static inline const struct nlattr *nlattr_next(const struct nlattr *a)
{
	return (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
}

/* An attribute's payload as an integer in the byte order it was sent in:
 * for attributes the validator has checked to be that size. */
static inline uint8_t nlattr_u8(const struct nlattr *a)
{
	return *(const uint8_t *)nlattr_data(a);
}

static inline uint16_t nlattr_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, nlattr_data(a), sizeof(v));
	return v;
}

static inline uint32_t nlattr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, nlattr_data(a), sizeof(v));
	return v;
}

static inline uint64_t nlattr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, nlattr_data(a), sizeof(v));
	return v;
}

/* Each attribute nested in nest; end: a const void * the loop keeps. */
#define nlattr_each_nested(a, nest, end)                                                            \
	for ((end) = (const char *)nlattr_data(nest) + nlattr_len(nest), (a) = nlattr_data(nest);      \
	     nlattr_ok(a, end); (a) = nlattr_next(a))

/* Each attribute of message nlh after hdrlen bytes of family header. */
#define nlattr_each_msg(a, nlh, hdrlen, end)                                                        \
	for ((end) = (const char *)(nlh) + NLMSG_ALIGN((nlh)->nlmsg_len),                              \
	    (a) = (const struct nlattr *)((const char *)(nlh) + NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen));     \
	     nlattr_ok(a, end); (a) = nlattr_next(a))

#endif
