/*
 * scene-int.h - inside the scene: the chain tree (scene-tree.c) as
 * scene-layout.c builds and places it. Not for other rooms (they use
 * scene.h).
 */
#ifndef SCENE_INT_H
#define SCENE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scene.h"
#include "snapshot.h"

/* Every item's user chains into s->subs; a "+N more" sub closes a list
 * that was cut at TREE_MAX chains or SCENE_SUB_DEPTH_MAX levels. Each
 * item's and sub's want: the row width that shows its name whole. */
void scene_tree_build(struct scene *s, const struct snap_ruleset *rs);
/* Rows an item's tree gets under a cap: all, or cap - 1 chains and the
 * "+N more" row. */
size_t scene_tree_rows(const struct scene *s, const struct scene_item *it, int cap);
/* Ranked trees (s->ranked): the subtrees (a chain jumped to from the base
 * chain and the chains under it) into order[] (s->nsubs at most), least
 * active first: by the largest activity[] of their chains, equals later in
 * rule order first. Returns how many. */
size_t scene_tree_rank(const struct scene *s, const uint64_t *activity, size_t nact, size_t *order);
/* Collapse the first k subtrees of order (their rows go into the item's
 * "+N more" row), open the rest; true if that changed anything. */
bool scene_tree_collapse(struct scene *s, const size_t *order, size_t k);
/* Collapse (hidden) or open the one subtree rooted at sub root. */
void scene_tree_fold(struct scene *s, size_t root, bool hidden);
/* Place the first rows of an item's tree from row y, x..x+w; the last row
 * becomes "+N more" when rows cut the list. */
void scene_tree_place(struct scene *s, struct scene_item *it, size_t rows, int x, int y, int w);

/* The order of families at a hook: ip, ip6, then inet. */
int scene_ghost_family_rank(uint8_t f);
/* The ghost slots (s->ghosts) of the standard tables absent from each
 * hook, for each family shown (has4, has6), before the items they
 * precede. */
void scene_ghost_build(struct scene *s, const struct snap_ruleset *rs, bool has4, bool has6);

#endif
