/*
 * scene-tree.c - the chain tree of the diagram: under each table, the user
 * chains its base chain reaches by jumps and gotos (recursively, in rule
 * order), and which of them get a row when space is short. Called by
 * scene-layout.c, which decides the rows; knows no counters or colours.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "scene.h"
#include "scene-int.h"

#define TREE_MAX 48        /* user chains listed under one table at most */
#define TREE_COUNT_MAX 999 /* "+N more" counts this far */

struct tree {
	struct scene_sub *subs;
	size_t n, cap;
	size_t first;      /* this item's first sub */
	size_t more;       /* reachable, not listed */
};

static bool tree_has(const struct tree *t, size_t chain)
{
	size_t i;

	for (i = t->first; i < t->n; i++)
		if (t->subs[i].chain == chain)
			return true;
	return false;
}

/* Depth-first in rule order: a chain shows once, where it is first reached. */
static void tree_walk(struct tree *t, const struct snap_ruleset *rs, const struct snap_chain *ch, size_t item,
		      int depth)
{
	size_t j;

	for (j = 0; j < ch->nrules; j++) {
		const struct snap_chain *to;
		size_t idx;

		if (!ch->rules[j].target_chain || t->more >= TREE_COUNT_MAX)
			continue;
		to = snapshot_find_sibling(rs, ch, ch->rules[j].target_chain);
		if (!to || to->base)
			continue;
		idx = (size_t)(to - rs->chains);
		if (tree_has(t, idx))
			continue;
		if (t->n - t->first >= TREE_MAX || depth > SCENE_SUB_DEPTH_MAX) {
			t->more++;
			continue;
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 32;
			t->subs = xreallocarray(t->subs, t->cap, sizeof(*t->subs));
		}
		t->subs[t->n++] = (struct scene_sub){ .chain = idx, .item = item, .depth = depth };
		tree_walk(t, rs, to, item, depth + 1);
	}
}

/* Every item's user chains; a "+N more" sub closes a list that was cut. */
void scene_tree_build(struct scene *s, const struct snap_ruleset *rs)
{
	struct tree t = { NULL, 0, 0, 0, 0 };
	size_t i;

	for (i = 0; i < s->nitems; i++) {
		struct scene_item *it = &s->items[i];

		t.first = t.n;
		t.more = 0;
		if (!it->own)
			tree_walk(&t, rs, &rs->chains[it->chain], i, 1);
		if (t.more) {
			if (t.n == t.cap) {
				t.cap = t.cap ? 2 * t.cap : 32;
				t.subs = xreallocarray(t.subs, t.cap, sizeof(*t.subs));
			}
			t.subs[t.n++] = (struct scene_sub){ .chain = SCENE_SUB_MORE, .item = i, .depth = 1,
							    .more = t.more };
		}
		it->first_sub = t.first;
		it->nsub = t.n - t.first;
	}
	s->subs = t.subs;
	s->nsubs = t.n;
}

/* Rows an item's tree gets under a cap: all, or cap - 1 chains and the
 * "+N more" row. */
size_t scene_tree_rows(const struct scene_item *it, int cap)
{
	if (cap <= 0)
		return 0;
	return it->nsub <= (size_t)cap ? it->nsub : (size_t)cap;
}

/* The rows of an item's tree from row y, x..x+w; the last row says
 * "+N more" when the cap cut the list (its count grows by what was cut). */
void scene_tree_place(struct scene *s, struct scene_item *it, size_t rows, int x, int y, int w)
{
	size_t j;

	for (j = 0; j < it->nsub; j++) {
		struct scene_sub *sb = &s->subs[it->first_sub + j];

		memset(&sb->r, 0, sizeof(sb->r));
		if (j >= rows)
			continue;
		sb->r = (struct canvas_rect){ x, y + (int)j, w, 1 };
	}
	it->shown_subs = rows;
	if (rows && rows < it->nsub) {
		struct scene_sub *last = &s->subs[it->first_sub + rows - 1];
		size_t cut = it->nsub - rows + 1, tail = s->subs[it->first_sub + it->nsub - 1].more;

		/* the row becomes "+N more": what it hid plus what was never listed */
		if (s->subs[it->first_sub + it->nsub - 1].chain == SCENE_SUB_MORE)
			cut = cut - 1 + tail;
		last->chain = SCENE_SUB_MORE;
		last->more = cut;
		last->depth = 1;
	}
}
