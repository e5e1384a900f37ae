/*
 * nlattr.h - the one netlink attribute validator: a table of rules per
 * attribute type (size, NUL-terminated string, nest and the table for its
 * children) walked with libmnl's mnl_attr_parse*() and one callback, as
 * libmnl's users and conntrack-tools write it. The collectors check
 * untrusted messages (recordings, fuzzers) with it before a library that
 * trusts them (libnftnl, libnetfilter_conntrack) parses them. Types above
 * a table's max are skipped (a newer kernel) unless it is strict.
 */
#ifndef NLATTR_H
#define NLATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
/* One attribute against its rule. */
bool nlattr_check_one(const struct nlattr *a, const struct nlattr_rule *r, int depth);
/* Empty, or at least an attribute header (libmnl's MNL_TYPE_NESTED). */
bool nlattr_nested_len_ok(const struct nlattr *a);
/* NUL-terminated, as the kernel's nla_put_string() writes it. */
bool nlattr_str_ok(const struct nlattr *a);

#endif
