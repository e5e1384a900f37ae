/*
 * model-trace.h - the model's part for traced packets: what the trace
 * view, the diagram's path and batch output read of the packets a trace
 * completed. The packets are the feed's trace state (live session or
 * replay), read in place: the model keeps their order (newest first, by
 * id), which arrived since the previous update, and a generation that
 * moves when the set is another one (a new trace, a rewound replay), so
 * a selection kept as a packet id knows when it no longer applies.
 * Pure: no socket, no curses.
 */
#ifndef MODEL_TRACE_H
#define MODEL_TRACE_H

#include <stddef.h>
#include <stdint.h>

struct trace_state;
struct trace_packet;

struct model_trace {
	const struct trace_state *state;    /* the feed's; NULL: no packets */
	const struct trace_packet **rows;   /* newest first (highest id first) */
	size_t nrows, cap;
	size_t fresh;        /* completed since the previous update: the state's last
	                      * `fresh` packets (completion order) */
	uint64_t total;      /* packets completed in this set, the ring's drops included */
	unsigned gen;        /* moves when state is another set than at the previous update */
};

/* A zeroed struct model_trace is an empty one. */
void model_trace_free(struct model_trace *t);
/* After every change of the feed's trace state (packets read, a snapshot
 * of a replay, a trace started or stopped): st as it is now. */
void model_trace_update(struct model_trace *t, const struct trace_state *st);
/* Row i of the packets, newest first (NULL past the end). */
const struct trace_packet *model_trace_row(const struct model_trace *t, size_t i);
/* The row of the packet with this id, or -1. */
long model_trace_row_of(const struct model_trace *t, uint64_t id);
/* The packet with this id, or NULL (gone from the ring, or another set). */
const struct trace_packet *model_trace_find(const struct model_trace *t, uint64_t id);
/* The i-th packet completed since the previous update, in completion
 * order (i < fresh). */
const struct trace_packet *model_trace_fresh(const struct model_trace *t, size_t i);

#endif
