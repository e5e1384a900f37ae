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

/* The row width each table and chain name needs whole, as the view draws
 * them: numbers take 13 columns right of a name, a chain's "└ " and indent
 * go before it and room for a "+N" badge after. */
static void tree_want(struct scene *s, const struct snap_ruleset *rs)
{
	size_t i;

	for (i = 0; i < s->nitems; i++)
		s->items[i].want = canvas_width(s->items[i].label) + 13;
	for (i = 0; i < s->nsubs; i++) {
		struct scene_sub *sb = &s->subs[i];

		sb->want = sb->chain < rs->nchains
				   ? 2 * (sb->depth - 1) + 2 + canvas_width(rs->chains[sb->chain].name) + 4 + 13
				   : 0;
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
		/* Ranked, every tree ends in a "+N more" sub (no row while 0),
		 * for the subtrees that collapse. */
		if (t.more || (s->ranked && t.n > t.first)) {
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
	tree_want(s, rs);
}

/* Rows an item's tree gets under a cap: all, or cap - 1 chains and the
 * "+N more" row. */
size_t scene_tree_rows(const struct scene *s, const struct scene_item *it, int cap)
{
	size_t j, open = 0, hidden = 0;

	if (cap <= 0)
		return 0;
	if (!s->ranked)
		return it->nsub <= (size_t)cap ? it->nsub : (size_t)cap;
	for (j = 0; j < it->nsub; j++) {
		const struct scene_sub *sb = &s->subs[it->first_sub + j];

		if (sb->chain == SCENE_SUB_MORE)
			hidden += sb->more;
		else if (sb->hidden)
			hidden++;
		else
			open++;
	}
	return open + (hidden > 0);
}

/* The chains of the subtree rooted at sub r: it and the deeper ones after it. */
static size_t subtree_end(const struct scene *s, size_t r)
{
	const struct scene_item *it = &s->items[s->subs[r].item];
	size_t e = r + 1, end = it->first_sub + it->nsub;

	while (e < end && s->subs[e].chain != SCENE_SUB_MORE && s->subs[e].depth > s->subs[r].depth)
		e++;
	return e;
}

struct rank {
	size_t root;
	uint64_t act;       /* the subtree's most recent activity */
	size_t pos;         /* its place in its item's tree */
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->act != y->act)
		return x->act < y->act ? -1 : 1;
	/* Equally active: the later in rule order first, as a cap would. */
	if (x->pos != y->pos)
		return x->pos > y->pos ? -1 : 1;
	return x->root > y->root ? -1 : x->root < y->root;
}

size_t scene_tree_rank(const struct scene *s, const uint64_t *activity, size_t nact, size_t *order)
{
	struct rank *r = s->nsubs ? xcalloc(s->nsubs, sizeof(*r)) : NULL;
	size_t i, j, n = 0;

	for (i = 0; i < s->nsubs; i++) {
		const struct scene_sub *sb = &s->subs[i];
		size_t e;

		if (sb->chain == SCENE_SUB_MORE || sb->depth != 1)
			continue;
		r[n].root = i;
		r[n].pos = i - s->items[sb->item].first_sub;
		for (j = i, e = subtree_end(s, i); j < e; j++)
			if (s->subs[j].chain < nact && activity[s->subs[j].chain] > r[n].act)
				r[n].act = activity[s->subs[j].chain];
		n++;
	}
	if (n)
		qsort(r, n, sizeof(*r), cmp_rank);
	for (i = 0; i < n; i++)
		order[i] = r[i].root;
	free(r);
	return n;
}

bool scene_tree_collapse(struct scene *s, const size_t *order, size_t k)
{
	size_t i, j, e;
	bool changed = false;

	for (i = 0; i < s->nsubs; i++)
		s->subs[i].mark = false;
	for (i = 0; i < k; i++)
		for (j = order[i], e = subtree_end(s, order[i]); j < e; j++)
			s->subs[j].mark = true;
	for (i = 0; i < s->nsubs; i++) {
		changed |= s->subs[i].mark != s->subs[i].hidden;
		s->subs[i].hidden = s->subs[i].mark;
	}
	s->collapsed = k;
	return changed;
}

void scene_tree_fold(struct scene *s, size_t root, bool hidden)
{
	size_t j, e;

	for (j = root, e = subtree_end(s, root); j < e; j++)
		s->subs[j].hidden = hidden;
}

/* Ranked: the open chains in tree order, then the "+N more" row for the
 * collapsed subtrees and what was never listed. */
static void place_ranked(struct scene *s, struct scene_item *it, size_t rows, int x, int y, int w)
{
	size_t j, row = 0, hidden = 0;
	struct scene_sub *more = NULL;

	for (j = 0; j < it->nsub; j++) {
		struct scene_sub *sb = &s->subs[it->first_sub + j];

		memset(&sb->r, 0, sizeof(sb->r));
		if (sb->chain == SCENE_SUB_MORE)
			more = sb;
		else if (sb->hidden)
			hidden++;
		else if (rows)
			sb->r = (struct canvas_rect){ x, y + (int)row++, w, 1 };
	}
	if (rows && more && (hidden || more->more)) {
		more->more += hidden;
		more->r = (struct canvas_rect){ x, y + (int)row++, w, 1 };
	}
	it->shown_subs = row;
}

/* The rows of an item's tree from row y, x..x+w; the last row says
 * "+N more" when the cap cut the list (its count grows by what was cut). */
void scene_tree_place(struct scene *s, struct scene_item *it, size_t rows, int x, int y, int w)
{
	size_t j;

	if (s->ranked) {
		place_ranked(s, it, rows, x, y, w);
		return;
	}
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
