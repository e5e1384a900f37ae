/*
 * metrics.h - the Prometheus / OpenMetrics exposition of iptop's data
 * (iptop --serve). Two halves: metrics_source reads one network
 * namespace (ruleset snapshot, named sets, conntrack numbers) into a
 * struct metrics_ns, in the thread that opened it; metrics_writer turns
 * any number of those into exposition text a piece at a time, so a
 * 50,000-rule scrape is never built whole in memory. Metric names and
 * labels are the public interface, documented in doc/metrics.md.
 * No sockets to clients here (serve.c), no screen.
 */
#ifndef METRICS_H
#define METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iptop.h"
#include "snapshot.h"

/* Which rules get series (--serve-rules). */
enum metrics_rules {
	METRICS_RULES_ALL,        /* every rule (uncounted ones: rule_info only) */
	METRICS_RULES_COUNTED,    /* rules with a counter */
	METRICS_RULES_COMMENTED,  /* rules with a comment */
};
/* "all", "counted", "commented" -> 0, or -1. */
int metrics_rules_parse(const char *s, enum metrics_rules *out);

enum metrics_format {
	METRICS_PROMETHEUS,   /* text/plain; version=0.0.4 */
	METRICS_OPENMETRICS,  /* application/openmetrics-text; version=1.0.0 */
};
/* From an HTTP Accept header (NULL: none): OpenMetrics when it lists
 * application/openmetrics-text without q=0. */
enum metrics_format metrics_format_accept(const char *accept);
const char *metrics_content_type(enum metrics_format f);

/* A named nf_tables set (anonymous ones are part of rule text), or an
 * ipset (table "", family NFPROTO_IPV4/IPV6, or 0 for list:set). */
struct metrics_set {
	bool ipset;
	uint8_t family;
	char *table;
	char *name;
	uint64_t elements;    /* as `nft list set` counts them: a range is one */
	uint32_t size;        /* declared size (ipset: maxelem), 0: none */
};

/* conntrack entries of one (protocol, state) pair */
struct metrics_ct_bucket {
	char proto[12];
	char state[16];      /* "ESTABLISHED", ...; "none" for protocols without states */
	uint64_t entries;
};

/* The kernel's per-CPU conntrack statistics, summed over CPUs. */
struct metrics_ct_cpu {
	uint64_t found, invalid, insert, insert_failed, drop, early_drop, error, search_restart;
};

/* Everything one scrape read from one namespace. */
struct metrics_ns {
	char *netns;                 /* label value: the -N name, "" for iptop's own namespace */
	struct snap_ruleset *rs;     /* never NULL; the source's, read-only (metrics_source_release) */
	enum src_status sets_status;
	struct metrics_set *sets;
	size_t nsets;
	enum src_status ct_status;
	bool ct_have_count;
	uint64_t ct_entries;
	uint64_t ct_max;             /* 0: unknown */
	bool ct_have_buckets;        /* the flow list was read (not --no-conntrack) */
	struct metrics_ct_bucket *ct_buckets;
	size_t ct_nbuckets;
	bool ct_have_cpu;
	struct metrics_ct_cpu ct_cpu;
	double duration;             /* seconds this read took */
	void *priv;                  /* the source's */
};

/* ---- reading a namespace (live) --------------------------------------------- */

struct metrics_source;

/* Open the collectors in the calling thread's current network namespace
 * (after netns: entered with nlsock_enter_netns by the caller, or NULL).
 * label is the netns label value. flows: keep the conntrack flow list
 * (entries by state and protocol). Never fails: what cannot open is a
 * status in every read. */
/* observe: install iptop's hook counting table in the namespace (for
 * iptop_hook_packets_total; where it cannot, those series are absent). */
struct metrics_source *metrics_source_open(const char *netns, const char *label, bool flows, bool observe,
					   char **cause);
/* fd to poll for kernel events (conntrack, ruleset changes), or -1. */
int metrics_source_fd(struct metrics_source *s);
/* Consume those events (keeps the conntrack mirror current between
 * scrapes). */
void metrics_source_events(struct metrics_source *s);
/* Read everything now. The result stays valid until released; release it
 * in the thread that reads (the rule text is shared with later reads). */
struct metrics_ns *metrics_source_read(struct metrics_source *s);
void metrics_source_release(struct metrics_source *s, struct metrics_ns *ns);
void metrics_source_close(struct metrics_source *s);

/* Pure, for tests and replays: parse a GETSET dump and then the GETSETELEM
 * replies of one set. */
int metrics_sets_parse(const void *buf, size_t len, struct metrics_set **sets, size_t *n);
uint64_t metrics_set_count_elems(const void *buf, size_t len);
void metrics_sets_free(struct metrics_set *sets, size_t n);
/* Append the sets of an ipset LIST dump (headers only: IPSET_FLAG_LIST_HEADER)
 * to *sets. */
void metrics_ipsets_parse(const void *buf, size_t len, struct metrics_set **sets, size_t *n);
/* Sum the CT_GET_STATS_CPU replies of a dump. */
int metrics_ct_cpu_parse(const void *buf, size_t len, struct metrics_ct_cpu *out);

/* ---- writing the exposition --------------------------------------------------- */

struct metrics_writer {
	enum metrics_format format;
	enum metrics_rules rules;
	struct metrics_ns **ns;
	size_t nns;
	/* cursor */
	size_t fam;          /* metric family */
	bool header_done;
	size_t nsi;          /* namespace */
	size_t a, b;         /* chain and rule, set, bucket, ... */
	bool done;
};

void metrics_writer_init(struct metrics_writer *w, enum metrics_format format, enum metrics_rules rules,
			 struct metrics_ns **ns, size_t nns);
/* Append at least min_bytes of exposition text to sb (less only at the
 * end). Returns false when everything has been written. */
bool metrics_writer_next(struct metrics_writer *w, struct strbuf *sb, size_t min_bytes);
/* Append a label value with \, " and newline escaped. */
void metrics_add_label_value(struct strbuf *sb, const char *s);

#endif
