/*
 * unit-lab-screen.c - the lab's diagram as golden screens (text and style
 * map), from the shipped recordings of the lab walk-through, so they do
 * not depend on the kernel: layout classic (Docker 20-27,
 * tests/fixtures/lab-walkthrough.rec) and modern (Docker 28,
 * lab-walkthrough-modern.rec; both made by
 * tests/fixtures/make-lab-recording.sh), at 80x24, 120x40, 200x60 and
 * 250x70, while c1's outbound ping lights FORWARD's chain tree and the
 * afterglow holds it. UPDATE_GOLDEN=1 rewrites them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "feed.h"
#include "iptop.h"
#include "model.h"
#include "screen-golden.h"
#include "unit.h"
#include "view.h"

static bool has(const char *text, const char *needle)
{
	bool ok = text && strstr(text, needle);

	if (!ok)
		fprintf(stderr, "not found: \"%s\"\n", needle);
	return ok;
}

static void draw_golden(struct view_stack *st, const char *name, int w, int h, const char *const *want)
{
	char *golden = xasprintf("lab-%s-%dx%d", name, w, h), *d;
	struct canvas c;

	canvas_init(&c, w, h, false);
	st->ctx.now_ns = 1000ull * 1000000000ull; /* flash messages gone */
	view_frame_draw(st, &c);
	d = canvas_dump(&c, 0);
	if (getenv("LAB_SCREEN_SHOW"))
		printf("%s\n%s\n", golden, d);
	unit_checks++;
	if (!golden_matches(golden, &c))
		unit_failures++;
	/* Full chain names from 200 columns (issue 17); DOCKER-USER always. */
	CHECK(has(d, "DOCKER-USER"));
	for (; w >= 200 && *want; want++)
		CHECK(has(d, *want));
	free(d);
	free(golden);
	canvas_free(&c);
}

/* Replay the recording up to its snapshot number `at`, then draw each size. */
static void lab_screens(const char *rec, const char *name, int at, const char *const *want)
{
	static const int sizes[][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 }, { 250, 70 } };
	char *path = xasprintf("%s/tests/fixtures/%s", srcdir(), rec), *label, *cause = NULL;
	struct feed *f = feed_replay_open(path, &cause);
	struct view_stack st;
	struct model model;
	size_t i;
	int n;

	if (!f)
		fprintf(stderr, "%s\n", cause);
	CHECK(f != NULL);
	free(cause);
	free(path);
	if (!f)
		return;
	model_init(&model);
	/* A fixed label: the golden screen must not name the source tree. */
	label = xasprintf("replay of %s", rec);
	view_stack_init(&st, &model, label, "nf_tables", 0, 500, "default");
	for (n = 0; n < at && !f->ended; n++) {
		model_update(&model, f->ops->snapshot(f, model.cur, NULL, NULL));
		view_stack_tick(&st);
	}
	CHECK_INT(n, at);
	CHECK(!f->failed);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		draw_golden(&st, name, sizes[i][0], sizes[i][1], want);
	view_stack_free(&st);
	model_free(&model);
	feed_close(f);
	free(label);
}

int main(void)
{
	static const char *const classic[] = { "DOCKER-ISOLATION-STAGE-1 +6", "DOCKER-ISOLATION-STAGE-2 +3", NULL };
	static const char *const modern[] = { "DOCKER-FORWARD +4", "DOCKER-ISOLATION-STAGE-2 +2", NULL };
	const char *at = getenv("LAB_SCREEN_AT");

	setenv("TZ", "UTC", 1); /* the status line's change time */
	lab_screens("lab-walkthrough.rec", "classic", at ? atoi(at) : 10, classic);
	lab_screens("lab-walkthrough-modern.rec", "modern", at ? atoi(at) : 10, modern);
	return unit_status("unit-lab-screen");
}
