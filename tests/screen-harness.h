/*
 * screen-harness.h - the harness the screen tests share (unit-screen.c owns
 * it): the demo model and view stack, its conntrack table and notes,
 * golden files, drawing and keys. Each test file has its own unit.h
 * counters and hands them to unit-screen.c's main with screen_tally().
 */
#ifndef SCREEN_HARNESS_H
#define SCREEN_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "canvas.h"
#include "screen-golden.h"
#include "conntrack.h"
#include "explain.h"
#include "model.h"
#include "ui.h"
#include "view.h"

#define TICK_NS 500000000ull
#define LATER_NS (1000ull * 1000000000ull) /* draw "later": flash messages gone */

struct screen_count {
	int checks, failures;
};

extern struct model model;
extern struct view_stack st;
/* The feed's trace the stack reads (st.ctx.trace.feed): setup() empties it. */
extern struct feed_trace trace_ft;
extern struct ct_table ct;
extern struct explain notes;
extern uint64_t ticks;

/* Compare the canvas with tests/golden/NAME.txt (UPDATE_GOLDEN=1 writes it):
 * golden() counts a check (screen-golden.h has the rest). */
void golden(const char *name, const struct canvas *c);
/* A fresh model and stack fed n demo ticks (conntrack, then ruleset). */
void setup(int n);
void feed_ticks(int n);
/* The trace the views show (what the loop's trace_sync does). */
void screen_trace_set(struct trace_state *ts);
int act(enum ui_action a);
void type(const char *s);
/* Empty the open prompt, then type s into it. */
void prompt_replace(const char *s);
/* Draw at w x h (flash messages expired); the text, allocated. */
char *draw(struct canvas *c, int w, int h, bool ascii);
bool has(const char *text, const char *needle);
void screen_tally(struct screen_count c);

/* A recorded trace (tests/fixtures/NAME, its REC_TRACE frames) fed into a
 * new trace_state against rs, on the recording's clock; *last: the time
 * of the last message (unit-screen-trace.c). */
struct snap_ruleset;
struct trace_state;
struct trace_state *screen_trace_fixture(const char *name, const struct snap_ruleset *rs,
					 const char *(*ifname)(uint32_t, char *, void *), uint64_t *last);

struct screen_count test_screen_flows(void);
struct screen_count test_screen_trace(void);
struct screen_count test_screen_legacy(void);

#endif
