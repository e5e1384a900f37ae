/*
 * scene.h - geometry of the packet-flow diagram: where each hook's frame,
 * each table (base chain), the arrows and the fixed nodes (NIC in/out,
 * routing decision, local process) go for a given body size, family
 * filter and ruleset topology. Computed once per (size, topology) and
 * cached; each tick only numbers and colours change. Knows no counters,
 * no colours and no terminal. iptables-legacy (x_tables) tables sit at
 * their hooks next to nf_tables chains, labelled as legacy.
 */
#ifndef SCENE_H
#define SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "snapshot.h"

#define SCENE_NHOOKS 5           /* NF_INET_PRE_ROUTING .. NF_INET_POST_ROUTING */
#define SCENE_MAX_ARROWS 64          /* 9 between hooks, the rest inside (boxes) */
#define SCENE_MAX_NODES 4
#define SCENE_OWN 0x100          /* family_mode flag: iptop's own tables (iptop_trace) too */

enum scene_style {
	SCENE_LIST,     /* one column, hook headings and table rows (narrow or crowded) */
	SCENE_ROWS,     /* three columns of hook frames, one row per table */
	SCENE_ROWS2,    /* same, a second row per table for its rate history */
	SCENE_BOXES,    /* a box per table (numbers + history), stacked per hook */
};

struct scene_item {
	size_t chain;            /* index into the snapshot's chains (and the model's) */
	int hook;                /* 0..4 */
	struct canvas_rect r;    /* ROWS: row(s) inside the frame; BOXES: the box; w 0: no room */
	char label[64];          /* "raw", "filter₆", "firewalld filter_INPUT", "filter (legacy)" */
	char short_label[40];    /* when label does not fit: "firewalld", "filter L" */
	bool legacy;             /* an iptables-legacy (x_tables) table */
	bool own;                /* iptop's own (iptop_trace): drawn dim */
	size_t first_sub, nsub;  /* its user chains: subs[first_sub .. + nsub) (drawn or not) */
	size_t shown_subs;       /* rows the layout gave them (the last one "+N more" if short) */
	int want;                /* row width that shows the label whole */
};

/* A user chain under a table: reached from the table's base chain by
 * jumps and gotos (recursively), drawn indented under the table, in the
 * order the rules reach it. SCENE_SUB_MORE stands for chains without room. */
#define SCENE_SUB_MORE ((size_t)-1)
#define SCENE_SUB_DEPTH_MAX 6
struct scene_sub {
	size_t chain;            /* index into the snapshot's chains, or SCENE_SUB_MORE */
	size_t item;             /* the table it hangs under */
	int depth;               /* 1: jumped to from the base chain */
	size_t more;             /* SCENE_SUB_MORE: how many chains are not drawn */
	bool hidden;             /* ranked: its subtree collapsed (counted in "+N more") */
	bool mark;               /* scratch of scene_tree_collapse */
	int want;                /* row width that shows the name whole, "+N" too */
	struct canvas_rect r;    /* one row; w 0: no room */
};

/* A ghost slot: a standard iptables table that could sit at this hook at
 * its priority but is absent ("raw₄ (empty)"), drawn dim where there is
 * room, so the hook × table matrix shows. Not selectable. */
#define SCENE_MAX_GHOSTS 48
struct scene_ghost {
	int hook;
	size_t before;           /* placed before the hook's item number `before` */
	char label[40];
	struct canvas_rect r;    /* one row; w 0: no room (dropped first) */
};

struct scene_hook {
	struct canvas_rect r;    /* frame (ROWS), title row + stack (BOXES), heading row (LIST) */
	size_t first, n;         /* its items: items[first .. first + n) */
	size_t hidden;           /* items without room, shown as "+N more" at more */
	struct canvas_rect more;
};

enum scene_node_kind {
	SCENE_NODE_NIC_IN,
	SCENE_NODE_NIC_OUT,
	SCENE_NODE_ROUTE,
	SCENE_NODE_LOCAL,
};

struct scene_node {
	enum scene_node_kind kind;
	int x, y;                /* where text starts */
	const char *text;
};

struct scene_point {
	int x, y;
};

struct scene_arrow {
	int n;                   /* points in pt: an orthogonal polyline */
	struct scene_point pt[4];
	bool head;               /* arrow head on the last point */
	int from;                /* hook it leaves (-1: a node) */
	int to;                  /* hook it leads into (-1: a node) */
	long item;               /* into this item (inside a hook), or -1 */
};

struct scene {
	uint64_t key;            /* (size, family filter, topology) it was built for */
	uint64_t generation;     /* bumped on every rebuild */
	int w, h;
	int family_mode;
	bool zoom;               /* laid out for a projector: rows only, no details */
	bool ranked;             /* the tree collapses by activity (scene_layout_update_active) */
	size_t collapsed;        /* ranked: subtrees collapsed */
	uint64_t rank_key;       /* ranked: the activity order it was laid out for */
	enum scene_style style;
	int col_w;               /* frame / box width (FORWARD's may be wider) */
	struct scene_hook hooks[SCENE_NHOOKS];
	struct scene_item *items;
	size_t nitems;
	struct scene_sub *subs;  /* the chain tree, grouped by item */
	size_t nsubs;
	struct scene_ghost ghosts[SCENE_MAX_GHOSTS];
	size_t nghosts;          /* placed or not: see r.w */
	struct scene_node nodes[SCENE_MAX_NODES];
	size_t nnodes;
	struct scene_arrow arrows[SCENE_MAX_ARROWS];
	size_t narrows;
	struct canvas_rect legend;   /* where the legend goes (w 0: none) */
	/* One row for the backends line (w 0: none): legacy tables are shown;
	 * both_backends: iptables-legacy and iptables-nft both hold rules. */
	struct canvas_rect banner;
	bool legacy;
	bool both_backends;
	int content_h;           /* rows used (LIST may be taller than h: it scrolls) */
};

void scene_layout_init(struct scene *s);
void scene_layout_free(struct scene *s);
/* Recompute if size, family filter or topology changed; true if it did.
 * rs may be NULL (nothing collected yet). family_mode: 0 both, 4, 6,
 * | SCENE_OWN. */
bool scene_layout_update(struct scene *s, const struct snap_ruleset *rs, int family_mode, int w, int h);
/* The same, zoomed (Z): rows only, two per table where they fit. */
bool scene_layout_update_zoom(struct scene *s, const struct snap_ruleset *rs, int family_mode, int w, int h,
			      bool zoom);
/* The same, the chain tree ranked: when rows are short, the subtrees whose
 * chains were active least recently collapse first. activity[] is parallel
 * to rs->chains (larger: more recent, e.g. the last hit's time; nact of
 * them). Also recomputes when the collapse choice changes. */
bool scene_layout_update_active(struct scene *s, const struct snap_ruleset *rs, int family_mode, int w, int h,
				bool zoom, const uint64_t *activity, size_t nact);
/* Does the diagram show this chain (a base chain of an inet-family hook
 * that passes the family filter; iptop's own tables only with SCENE_OWN)? */
bool scene_layout_shows(const struct snap_chain *ch, int family_mode);
/* Is this one of iptop's own tables (iptop_trace, iptop_*), not the user's? */
bool scene_layout_own(const struct snap_chain *ch);
/* Item at a point of the body, or -1. */
long scene_layout_hit(const struct scene *s, int x, int y);
/* Nearest visible item from `from` in direction (dx, dy), or -1. */
long scene_layout_neighbour(const struct scene *s, long from, int dx, int dy);
bool scene_layout_visible(const struct scene *s, long item);
const char *scene_layout_style_name(enum scene_style st);

#endif
