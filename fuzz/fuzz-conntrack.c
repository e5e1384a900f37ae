/*
 * fuzz-conntrack.c - the conntrack collector's pure half: the input is a
 * recv() buffer of ctnetlink messages (dump replies or events). Each
 * message goes through ct_parse_msg() (which must refuse what would make
 * libnetfilter_conntrack exit() or overrun) and the text helpers; the whole
 * buffer is applied to a mirror as events, as a dump, as events again and
 * as a resync dump, with ct_table_check() after every step; then expiry,
 * every sort order, text and JSON (which must parse). The same buffer is
 * read as an expectation dump too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conntrack-text.h"
#include "conntrack.h"
#include "model-conntrack.h"
#include "fuzz.h"
#include "iptop.h"

static void check(const struct ct_table *t, const char *step)
{
	char *why = NULL;

	if (ct_table_check(t, &why) < 0)
		fuzz_fail(step, why);
}

static void one_msg(const struct nlmsghdr *nlh, struct strbuf *sb)
{
	struct ct_flow f;
	enum ct_msg kind;

	if (ct_parse_msg(nlh, &f, &kind) < 0)
		return;
	conntrack_text_flow(&f, sb);
	conntrack_text_tuple(&f, &f.reply, sb);
	strbuf_add(sb, conntrack_text_proto(f.proto));
	strbuf_add(sb, conntrack_text_flag(&f));
	if (conntrack_text_state(&f))
		strbuf_add(sb, conntrack_text_state(&f));
	if (conntrack_text_nat(ct_nat_kind(&f)))
		strbuf_add(sb, conntrack_text_nat(ct_nat_kind(&f)));
	strbuf_reset(sb);
}

int fuzz_conntrack(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	const struct ct_flow **v;
	struct ct_table t;
	struct model_ct m = { 0 };
	struct strbuf sb;
	size_t left, n;
	int key, dying;

	strbuf_init(&sb);
	for (nlh = fuzz_msg_first(data, size, &left); nlh; nlh = fuzz_msg_next(nlh, &left))
		one_msg(nlh, &sb);

	ct_table_init(&t);
	ct_table_apply_events(&t, data, size, 1.0);
	check(&t, "events");
	ct_table_apply_dump(&t, data, size, 2.0);
	check(&t, "dump");
	model_ct_update(&m, &t);
	ct_table_apply_events(&t, data, size, 2.5);
	check(&t, "events after dump");
	ct_table_dump_begin(&t, true);
	ct_table_apply_buf(&t, data, size, 3.0, true, 0, 0, &n);
	ct_table_dump_end(&t, true, 3.0);
	check(&t, "resync dump");
	ct_table_dump_begin(&t, false);
	ct_table_apply_buf(&t, data, size, 3.5, true, 0, 0, &n);
	ct_table_dump_end(&t, false, 3.5);   /* a failed dump keeps the mirror */
	check(&t, "incomplete dump");
	ct_table_set_status(&t, SRC_STALE, "fuzz \"%s\"", "status\n");
	ct_table_expire(&t, 4.5);
	check(&t, "expire");

	for (key = CT_SORT_BYTES; key <= CT_SORT_ID; key++) {
		for (dying = 0; dying < 2; dying++) {
			v = ct_table_sorted(&t, (enum ct_sort)key, dying, &n);
			free(v);
		}
	}
	ct_table_set_expects(&t, data, size);
	model_ct_update(&m, &t);
	strbuf_addc(&sb, '{');
	conntrack_text_json(&m, &t, &sb, 0);
	strbuf_addc(&sb, '}');
	fuzz_check_json(sb.s, sb.len, "conntrack_text_json");
	strbuf_reset(&sb);
	conntrack_text_table(&m, &t, &sb, 3);
	strbuf_free(&sb);
	ct_table_expire(&t, 100.0);
	check(&t, "expire all");
	model_ct_free(&m);
	ct_table_free(&t);
	return 0;
}

#ifndef FUZZ_REGRESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_conntrack(data, size);
}
#endif
