/*
 * model-trace.c - traced packets as the views and batch output read them:
 * the feed's trace state in place, ordered once per update instead of
 * once per row drawn.
 */
#include "config.h"

#include <stdlib.h>

#include "iptop.h"
#include "model-trace.h"
#include "trace.h"

void model_trace_free(struct model_trace *t)
{
	free(t->rows);
	t->rows = NULL;
	t->nrows = t->cap = t->fresh = 0;
	t->state = NULL;
	t->total = 0;
	t->gen++;
}

static int newest_first(const void *a, const void *b)
{
	const struct trace_packet *x = *(const struct trace_packet *const *)a;
	const struct trace_packet *y = *(const struct trace_packet *const *)b;

	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

void model_trace_update(struct model_trace *t, const struct trace_state *st)
{
	uint64_t total = st ? trace_state_total(st) : 0;
	size_t i, n = st ? trace_state_count(st) : 0;

	if (st != t->state) {
		t->state = st;
		t->total = 0;
		t->gen++;
	}
	/* A ring flushed in place (total went back) is another set too. */
	if (total < t->total) {
		t->total = 0;
		t->gen++;
	}
	t->fresh = total - t->total > n ? n : (size_t)(total - t->total);
	t->total = total;
	if (n > t->cap) {
		t->cap = n;
		t->rows = xreallocarray(t->rows, t->cap, sizeof(*t->rows));
	}
	for (i = 0; i < n; i++)
		t->rows[i] = trace_state_packet(st, i);
	t->nrows = n;
	/* Ids are given in the order packets were first seen; they complete
	 * in another (an original waits for its reply). */
	if (n > 1)
		qsort(t->rows, n, sizeof(*t->rows), newest_first);
}

const struct trace_packet *model_trace_row(const struct model_trace *t, size_t i)
{
	return i < t->nrows ? t->rows[i] : NULL;
}

long model_trace_row_of(const struct model_trace *t, uint64_t id)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		if (t->rows[i]->id == id)
			return (long)i;
	return -1;
}

const struct trace_packet *model_trace_find(const struct model_trace *t, uint64_t id)
{
	long i = id ? model_trace_row_of(t, id) : -1;

	return i < 0 ? NULL : t->rows[i];
}

const struct trace_packet *model_trace_fresh(const struct model_trace *t, size_t i)
{
	return i < t->fresh ? trace_state_packet(t->state, t->nrows - t->fresh + i) : NULL;
}
