/*
 * fuzz-ruleset.c - the ruleset collector's pure half and everything a
 * snapshot flows into in batch mode: collect_ruleset_assemble() (twice, the
 * second with the first as prev: the same-generation reuse of rule text and
 * of chains not dumped), collect_ruleset_dup(), model_update() twice, and
 * the text and JSON frames (the JSON must parse).
 *
 * Input: u16 tables length | u16 chains length (little endian) | u8 flags |
 * [u16 sets length, with flag 64] | NEWTABLE messages | NEWCHAIN messages |
 * [NEWSET/NEWSETELEM messages] | NEWRULE messages (the rest).
 * Flags: 1 second assemble reuses the tables, 2 second dumps no rules
 * (chains keep prev's), 4 second is a new generation, 8/16 family filter
 * -4/-6, 32 set the view baseline before the second update, 64 the sets
 * part is there (anonymous sets for rule text; the second assemble has
 * them too when it is a new generation).
 * fuzz/seed.sh builds seeds from tests/fixtures/ in this layout.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "collect.h"
#include "feed.h"
#include "fuzz.h"
#include "iptop.h"
#include "model.h"
#include "nl.h"

#define HDR 5

/* An exact-size copy: aligned like a recv() buffer, and ASan sees a read
 * past its end. */
static void part(struct nlbuf *b, const uint8_t *p, size_t n)
{
	b->data = n ? xmalloc(n) : NULL;
	if (n)
		memcpy(b->data, p, n);
	b->len = b->cap = n;
}

static void frames(const struct model *m, const struct feed *feed, int family_mode)
{
	struct strbuf sb;

	strbuf_init(&sb);
	batch_text_frame(m, feed, family_mode, &sb);
	strbuf_reset(&sb);
	batch_json_frame(m, feed, family_mode, &sb);
	fuzz_check_json(sb.s, sb.len, "batch_json_frame");
	strbuf_free(&sb);
}

int fuzz_ruleset(const uint8_t *data, size_t size)
{
	struct nlbuf tables, chains, rules, sets, none = { NULL, 0, 0 };
	struct collect_input in;
	struct snap_ruleset *rs1, *rs2 = NULL, *dup;
	struct feed feed;
	struct model m;
	char *cause = NULL;
	size_t lt, lc, ls = 0;
	uint8_t flags;
	int family_mode;

	if (size < HDR)
		return 0;
	lt = (size_t)data[0] | (size_t)data[1] << 8;
	lc = (size_t)data[2] | (size_t)data[3] << 8;
	flags = data[4];
	data += HDR;
	size -= HDR;
	if (flags & 64) {
		if (size < 2)
			return 0;
		ls = (size_t)data[0] | (size_t)data[1] << 8;
		data += 2;
		size -= 2;
	}
	if (lt > size)
		lt = size;
	if (lc > size - lt)
		lc = size - lt;
	if (ls > size - lt - lc)
		ls = size - lt - lc;
	part(&tables, data, lt);
	part(&chains, data + lt, lc);
	part(&sets, data + lt + lc, ls);
	part(&rules, data + lt + lc + ls, size - lt - lc - ls);
	family_mode = flags & 8 ? 4 : flags & 16 ? 6 : 0;

	memset(&in, 0, sizeof(in));
	in.genid = 7;
	in.tables = &tables;
	in.chains = &chains;
	in.rules = &rules;
	in.sets = &sets;
	rs1 = collect_ruleset_assemble(&in, NULL, &cause);
	free(cause);
	cause = NULL;
	if (!rs1)
		goto out;

	/* the second tick: same generation unless flag 4 */
	in.genid = flags & 4 ? 8 : 7;
	in.reuse_tables = flags & 1;
	in.tables = flags & 1 ? NULL : &tables;
	in.rules = flags & 2 ? &none : &rules;
	in.sets = flags & 4 ? &sets : NULL;
	rs2 = collect_ruleset_assemble(&in, rs1, &cause);
	free(cause);
	cause = NULL;

	dup = collect_ruleset_dup(rs1);
	snapshot_ruleset_free(dup);

	memset(&feed, 0, sizeof(feed));
	feed.netns_label = (char *)"net:[4026531840] (fuzz)";
	feed.backend = (char *)"nf_tables";
	feed.replay = true;

	model_init(&m);
	rs1->time_ns = 1000000000ull;
	model_update(&m, rs1);
	frames(&m, &feed, family_mode);
	if (rs2) {
		if (flags & 32)
			model_set_baseline(&m, true);
		rs2->time_ns = 2000000000ull;
		model_update(&m, rs2);
		model_cool(&m, 0.5);
		frames(&m, &feed, family_mode);
	}
	model_free(&m);
out:
	nlbuf_free(&tables);
	nlbuf_free(&chains);
	nlbuf_free(&rules);
	nlbuf_free(&sets);
	return 0;
}

#ifndef FUZZ_REGRESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_ruleset(data, size);
}
#endif
