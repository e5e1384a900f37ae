/*
 * scene-ghost.c - the ghost slots of the diagram: the standard iptables
 * tables a hook could hold but does not ("raw₄ (empty)"), at their
 * priority among the hook's tables, and the family order the diagram
 * sorts tables by. Called by scene-layout.c, which places them where rows
 * are left over.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>

#include "iptop.h"
#include "scene.h"
#include "scene-int.h"

int scene_ghost_family_rank(uint8_t f)
{
	return f == NFPROTO_IPV4 ? 0 : f == NFPROTO_IPV6 ? 1 : 2;
}

/* iptables' tables, in priority order, and the hooks each has a chain at. */
#define HK(h) (1u << (h))
static const struct std_table {
	const char *name;
	int prio;
	unsigned hooks;
} std_tables[] = {
	{ "raw", -300, HK(NF_INET_PRE_ROUTING) | HK(NF_INET_LOCAL_OUT) },
	{ "mangle", -150, 0x1f },
	{ "nat", -100, HK(NF_INET_PRE_ROUTING) | HK(NF_INET_LOCAL_OUT) },
	{ "filter", 0, HK(NF_INET_LOCAL_IN) | HK(NF_INET_FORWARD) | HK(NF_INET_LOCAL_OUT) },
	{ "security", 50, HK(NF_INET_LOCAL_IN) | HK(NF_INET_FORWARD) | HK(NF_INET_LOCAL_OUT) },
	{ "nat", 100, HK(NF_INET_LOCAL_IN) | HK(NF_INET_POST_ROUTING) },
};

/* The standard tables absent from each hook, for each family shown, with
 * where they would sit among the hook's items (by priority, then family). */
void scene_ghost_build(struct scene *s, const struct snap_ruleset *rs, bool has4, bool has6)
{
	uint8_t fams[2];
	size_t nf = 0, t, f, k;
	int h;

	if (has4)
		fams[nf++] = NFPROTO_IPV4;
	if (has6)
		fams[nf++] = NFPROTO_IPV6;
	if (!nf)
		fams[nf++] = (s->family_mode & ~SCENE_OWN) == 6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	for (h = 0; h < SCENE_NHOOKS; h++) {
		const struct scene_hook *hk = &s->hooks[h];

		for (t = 0; t < ARRAY_SIZE(std_tables); t++) {
			if (!(std_tables[t].hooks & HK(h)))
				continue;
			for (f = 0; f < nf; f++) {
				struct scene_ghost *gh;
				size_t before = 0;
				bool present = false;

				for (k = 0; k < hk->n; k++) {
					const struct snap_chain *ch = &rs->chains[s->items[hk->first + k].chain];

					present |= ch->family == fams[f] && strcmp(ch->table, std_tables[t].name) == 0;
					if (ch->prio < std_tables[t].prio ||
					    (ch->prio == std_tables[t].prio &&
					     scene_ghost_family_rank(ch->family) <= scene_ghost_family_rank(fams[f])))
						before = k + 1;
				}
				if (present || s->nghosts == SCENE_MAX_GHOSTS)
					continue;
				gh = &s->ghosts[s->nghosts++];
				gh->hook = h;
				gh->before = before;
				snprintf(gh->label, sizeof(gh->label), "%s%s (empty)", std_tables[t].name,
					 !(has4 && has6) ? "" : fams[f] == NFPROTO_IPV4 ? "\xe2\x82\x84" : "\xe2\x82\x86");
			}
		}
	}
}
