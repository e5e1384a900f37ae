/*
 * view-diagram-int.h - between the diagram view (view-diagram.c: keys,
 * selection) and its picture (view-diagram-draw.c): what the drawing
 * needs of the view. Not for other rooms (they use view.h).
 */
#ifndef VIEW_DIAGRAM_INT_H
#define VIEW_DIAGRAM_INT_H

#include <stddef.h>

#include "canvas.h"
#include "model.h"
#include "scene.h"
#include "view.h"

#define VIEW_DIAGRAM_HIST_N 64 /* ticks of rate history per chain */

struct view_diagram_hist;

/* The diagram view's marks on its scene. */
struct view_diagram_marks {
	long sel;                        /* item in the scene, -1: none */
	int scroll;                      /* SCENE_LIST: first row shown */
	struct view_diagram_hist *hist;  /* each chain's rate history */
	size_t nhist;
};

/* The scene with the view's marks (selection, scroll, history); d may be NULL. */
void view_diagram_draw_marked(struct canvas *c, const struct view_stack *st, const struct scene *s,
			      struct view_diagram_marks *d, struct canvas_rect body);
/* Add this tick's rate of every chain the diagram may show to the history. */
void view_diagram_draw_tick(struct view_diagram_marks *d, const struct model *m);
/* Free the history. */
void view_diagram_draw_free(struct view_diagram_marks *d);
/* Item i's chain in the current snapshot (and in the model), or NULL. */
const struct snap_chain *view_diagram_draw_chain(const struct view_stack *st, const struct scene *s, long i);
const struct model_chain *view_diagram_draw_model(const struct view_stack *st, const struct scene *s, long i);

#endif
