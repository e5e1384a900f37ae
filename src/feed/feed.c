/*
 * feed.c - what every feed has in common behind include/feed.h: closing
 * one, and the calls that go to its ops table (a source without the
 * operation answers "none"). The sources are feed-live.c (the kernel),
 * feed-replay.c (a recording) and feed-demo.c (made up); a feed's mode is
 * its ops pointer. Neither knows how anything is drawn.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed-int.h"
#include "iptop.h"

bool feed_ipset_put(struct feed_ipset **v, size_t *n, uint16_t idx, const char *name)
{
	size_t i;

	for (i = 0; i < *n && (*v)[i].idx != idx; i++)
		;
	if (i < *n && strcmp((*v)[i].name, name) == 0)
		return false;
	if (i == *n) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*n)++;
		(*v)[i].idx = idx;
	}
	snprintf((*v)[i].name, sizeof((*v)[i].name), "%s", name);
	return true;
}

void feed_close(struct feed *f)
{
	if (!f)
		return;
	f->ops->close(f);
	free(f->netns_label);
	free(f->backend);
	free(f->notice);
	free(f->observe_notice);
	free(f);
}

const struct ct_table *feed_conntrack(struct feed *f, bool flows)
{
	return f->ops->conntrack ? f->ops->conntrack(f, flows) : NULL;
}

bool feed_is_demo(const struct feed *f)
{
	return f->ops == &feed_demo_ops;
}

int feed_trace_start(struct feed *f, const char *filter, int rate, char **cause)
{
	return feed_trace_start_flags(f, filter, rate, f->trace_flags, cause);
}

int feed_trace_start_flags(struct feed *f, const char *filter, int rate, unsigned int flags, char **cause)
{
	if (!f->ops->trace_start) {
		*cause = xstrdup(f->replay && !feed_is_demo(f)
					 ? "a replay cannot start a trace: it shows the packets traced while it was recorded"
					 : "tracing needs a live namespace (this is a demo)");
		return -1;
	}
	return f->ops->trace_start(f, filter, rate, flags, cause);
}

int feed_observe(struct feed *f, bool on, char **cause)
{
	*cause = NULL;
	if (!f->ops->observe) {
		if (!on)
			return 0;
		*cause = xstrdup(f->replay ? "a replay cannot observe hooks: it shows them when the recording was made "
					     "with --observe"
					   : "observing hooks needs a live namespace (this is a demo)");
		return -1;
	}
	return f->ops->observe(f, on, cause);
}

void feed_trace_stop(struct feed *f)
{
	if (f->ops->trace_stop)
		f->ops->trace_stop(f);
}

int feed_trace_fd(struct feed *f)
{
	return f->ops->trace_fd ? f->ops->trace_fd(f) : -1;
}

int feed_trace_read(struct feed *f, const struct snap_ruleset *rs)
{
	return f->ops->trace_read ? f->ops->trace_read(f, rs) : 0;
}

int feed_trace_timeout_ms(struct feed *f)
{
	return f->ops->trace_timeout_ms ? f->ops->trace_timeout_ms(f) : -1;
}

const struct feed_trace *feed_trace(const struct feed *f)
{
	return &f->trace;
}