/*
 * frame-cost.c - what one dashboard frame costs, without the kernel: the
 * real model, views and canvas (as tests/unit-screen.c drives them) and
 * the real curses renderer writing into a pseudo-terminal that a child
 * process drains. For each screen it runs the loop's per-tick work for N
 * frames and prints, per phase, the median and 95th percentile in µs:
 *
 *   tick    model_update + view_stack_tick (a new snapshot's numbers)
 *   draw    view_frame_draw into the canvas (frame, status line, view)
 *   render  ui_render_frame: diff against the last frame, curses, doupdate
 *   full    ui_render_frame with a full repaint (Ctrl-L, resize; worst case)
 *
 * Screens: the diagram and the demo's biggest chain (feed-demo.c, counters
 * moving every tick); the flows view over a synthetic conntrack table of
 * FLOWS entries, once with the table unchanged (rows cached) and once with
 * an event every frame (the rows are rebuilt: two sorts of every flow);
 * with -r, the diagram and biggest chain of a recording (bench/run records
 * its 10k-rule namespace), its counters bumped each tick.
 *
 *   frame-cost [-W COLS] [-H ROWS] [-n FRAMES] [-f FLOWS] [-r RECORDING]
 *
 * One line per screen: "screen=NAME frames=N tick_us=M/P95 draw_us=...".
 * Not a test: it asserts nothing. Does not measure netlink (bench/run does).
 */
#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "collect.h"
#include "conntrack.h"
#include "feed.h"
#include "iptop.h"
#include "model.h"
#include "ui.h"
#include "view.h"

#define TICK_NS 500000000ull

enum phase { PH_TICK, PH_DRAW, PH_RENDER, PH_FULL, PH_COUNT };
static const char *const phase_names[PH_COUNT] = { "tick", "draw", "render", "full" };

static struct model model;
static struct view_stack st;
static struct ct_table ct;
static struct canvas canvas;
static struct ui_render *render;
static uint64_t ticks;
static uint64_t clock_ns;        /* the frames' monotonic clock */
static struct feed *rec_feed;     /* -r: the recording, read to its end */
static FILE *out;
static int frames = 300, width = 200, height = 60;

static double cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ---- sources: the demo, a synthetic conntrack table, a recording ---------------- */

/* Synthetic flows like tools/ctfill's (75 % TCP, 20 % NAT), but with
 * counters that grow every dump so the rate column is busy. */
static void fill_flows(size_t n, uint64_t tick)
{
	double now = (double)tick * TICK_NS / 1e9;
	size_t i;

	ct.max = 262144;
	ct.acct = true;
	ct_table_set_status(&ct, SRC_OK, NULL);
	ct_table_dump_begin(&ct, false);
	for (i = 0; i < n; i++) {
		struct ct_flow f;
		uint32_t a = 0x0a000000u + (uint32_t)i + 1;

		memset(&f, 0, sizeof(f));
		f.id = (uint32_t)i * 2654435761u + 1;
		f.family = AF_INET;
		f.proto = i % 4 == 3 ? IPPROTO_UDP : IPPROTO_TCP;
		f.orig.src.v4 = htonl(a);
		f.orig.dst.v4 = htonl(0xc6336400u + 10);   /* 198.51.100.10 */
		f.orig.sport = (uint16_t)(1024 + i % 60000);
		f.orig.dport = f.proto == IPPROTO_TCP ? 443 : 53;
		f.reply.src = f.orig.dst;
		f.reply.dst = f.orig.src;
		if (i % 5 == 0)                              /* NAT: reply to the router */
			f.reply.dst.v4 = htonl(0xcb007100u + (uint32_t)(i % 250) + 1);
		f.reply.sport = f.orig.dport;
		f.reply.dport = f.orig.sport;
		f.has_state = f.proto == IPPROTO_TCP;
		f.state = TCP_CONNTRACK_ESTABLISHED;
		f.status = IPS_CONFIRMED | IPS_SEEN_REPLY | IPS_ASSURED;
		f.nat = ct_nat_kind(&f);
		f.has_timeout = true;
		f.timeout = 3600 - (uint32_t)(tick % 3600);
		f.has_acct = true;
		f.packets[0] = (i % 97) * (tick + 1);
		f.packets[1] = (i % 89) * (tick + 1);
		f.bytes[0] = f.packets[0] * 120;
		f.bytes[1] = f.packets[1] * 900;
		ct_table_dump_flow(&ct, &f, now);
	}
	ct_table_dump_end(&ct, true, now);
}

/* One NEW or DESTROY event: the flows view has to rebuild its rows. */
static void flow_event(uint64_t tick)
{
	struct ct_flow f;

	memset(&f, 0, sizeof(f));
	f.id = 0xfffff000u;
	f.family = AF_INET;
	f.proto = IPPROTO_UDP;
	f.orig.src.v4 = htonl(0xc0000201u);
	f.orig.dst.v4 = htonl(0xc0000202u);
	f.orig.sport = 5353;
	f.orig.dport = 5353;
	f.reply.src = f.orig.dst;
	f.reply.dst = f.orig.src;
	f.reply.sport = 5353;
	f.reply.dport = 5353;
	f.status = IPS_CONFIRMED;
	ct_table_apply_event(&ct, &f, tick % 2 ? CT_MSG_DESTROY : CT_MSG_NEW, (double)tick * TICK_NS / 1e9);
}

/* The next snapshot: the demo's, or the recording's last with every counter bumped. */
static struct snap_ruleset *next_ruleset(void)
{
	struct snap_ruleset *rs;
	size_t i, j;

	if (!rec_feed)
		return feed_demo_ruleset(ticks, ticks * TICK_NS);
	rs = collect_ruleset_dup(model.cur);
	rs->time_ns = model.cur->time_ns + TICK_NS;
	for (i = 0; i < rs->nchains; i++) {
		struct snap_chain *ch = &rs->chains[i];

		for (j = 0; j < ch->nrules; j++)
			if (ch->rules[j].counted && (j + ticks) % 7 == 0) {
				ch->rules[j].packets += j % 13 + 1;
				ch->rules[j].bytes += (j % 13 + 1) * 100;
			}
		if (ch->policy_counted)
			ch->policy_packets += ticks % 3;
	}
	return rs;
}

static void load_recording(const char *path)
{
	char *cause = NULL;
	int i;

	rec_feed = feed_replay_open(path, &cause);
	if (!rec_feed) {
		fprintf(stderr, "frame-cost: %s\n", cause);
		exit(1);
	}
	/* Every snapshot in it (the last one stays), at most 1000. */
	for (i = 0; i < 1000 && !rec_feed->ended; i++) {
		struct snap_ruleset *rs = rec_feed->ops->snapshot(rec_feed, model.cur, NULL, NULL);

		if (rec_feed->ended && model.cur) {
			snapshot_ruleset_free(rs);
			break;
		}
		model_update(&model, rs);
	}
	if (!model.cur || model.cur->status != SRC_OK) {
		fprintf(stderr, "frame-cost: %s: no usable ruleset snapshot\n", path);
		exit(1);
	}
}

/* ---- one screen ------------------------------------------------------------------ */

/* A fresh stack over the model as it is (the recording's, or the demo at tick 4). */
static void reset_stack(void)
{
	if (st.n)
		view_stack_free(&st);
	if (!rec_feed) {
		model_free(&model);
		model_init(&model);
		for (ticks = 0; ticks < 4; ticks++)
			model_update(&model, feed_demo_ruleset(ticks, ticks * TICK_NS));
	}
	view_stack_init(&st, &model, rec_feed ? rec_feed->netns_label : "net:[4026531840] (demo)", "nf_tables", 0,
			500, "default");
	st.ctx.ct = &ct;
	model_ct_update(&model.ct, &ct);
	view_stack_tick(&st);
}

static const struct snap_chain *biggest_chain(void)
{
	const struct snap_chain *best = NULL;
	size_t i;

	for (i = 0; i < model.cur->nchains; i++)
		if (!best || model.cur->chains[i].nrules > best->nrules)
			best = &model.cur->chains[i];
	return best;
}

static double median(double *v, int n, double *p95)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	*p95 = v[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1];
	return v[n / 2];
}

/*
 * Run the loop's per-tick work frames times: new numbers (tick; skipped
 * with tick false), draw, render the difference; then a full repaint as
 * often. Prints one line.
 */
static void run_screen(const char *name, bool tick, bool event)
{
	double *t[PH_COUNT];
	double med, p95, c0, c1;
	int i, p;

	for (p = 0; p < PH_COUNT; p++)
		t[p] = xcalloc((size_t)frames, sizeof(double));
	canvas_resize(&canvas, width, height);
	ui_render_frame(render, &canvas, true);
	for (i = 0; i < frames; i++) {
		c0 = cpu_us();
		if (tick) {
			model_update(&model, next_ruleset());
			ticks++;
			view_stack_tick(&st);
		}
		if (event) {
			flow_event(ticks + (uint64_t)i);
			model_ct_update(&model.ct, &ct);
		}
		c1 = cpu_us();
		t[PH_TICK][i] = c1 - c0;
		clock_ns += TICK_NS;
		st.ctx.now_ns = clock_ns;
		st.ctx.now_wall = 1.7e9 + (double)clock_ns / 1e9;
		c0 = cpu_us();
		view_frame_draw(&st, &canvas);
		c1 = cpu_us();
		t[PH_DRAW][i] = c1 - c0;
		ui_render_frame(render, &canvas, false);
		t[PH_RENDER][i] = cpu_us() - c1;
	}
	for (i = 0; i < frames; i++) {
		c0 = cpu_us();
		ui_render_frame(render, &canvas, true);
		t[PH_FULL][i] = cpu_us() - c0;
	}
	fprintf(out, "screen=%s frames=%d", name, frames);
	for (p = 0; p < PH_COUNT; p++) {
		med = median(t[p], frames, &p95);
		fprintf(out, " %s_us=%.0f/%.0f", phase_names[p], med, p95);
		free(t[p]);
	}
	fprintf(out, "\n");
	fflush(out);
}

/* ---- a terminal that goes nowhere ---------------------------------------------- */

/* stdin and stdout become a COLS x ROWS pty; a child reads and discards
 * what curses writes (its CPU is not ours: we time the process CPU). */
static pid_t fake_tty(void)
{
	struct winsize ws = { .ws_row = (unsigned short)height, .ws_col = (unsigned short)width };
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;
	pid_t pid;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || (s = open(ptsname(m), O_RDWR | O_NOCTTY)) < 0) {
		perror("frame-cost: pty");
		exit(1);
	}
	ioctl(s, TIOCSWINSZ, &ws);
	pid = fork();
	if (pid == 0) {
		char buf[65536];

		close(s);
		while (read(m, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(m);
	dup2(s, STDIN_FILENO);
	dup2(s, STDOUT_FILENO);
	close(s);
	return pid;
}

int main(int argc, char **argv)
{
	const char *recording = NULL;
	size_t nflows = 100000;
	struct ui_tty_opts to = { .ascii = false, .no_color = false };
	struct theme theme;
	char *cause = NULL;
	pid_t child;
	int o, fd;

	while ((o = getopt(argc, argv, "W:H:n:f:r:")) != -1) {
		switch (o) {
		case 'W': width = atoi(optarg); break;
		case 'H': height = atoi(optarg); break;
		case 'n': frames = atoi(optarg); break;
		case 'f': nflows = (size_t)atol(optarg); break;
		case 'r': recording = optarg; break;
		default:
			fprintf(stderr, "usage: frame-cost [-W COLS] [-H ROWS] [-n FRAMES] [-f FLOWS] [-r RECORDING]\n");
			return 2;
		}
	}
	if (frames < 1 || width < 1 || height < 1)
		return 2;
	/* Results go to the real stdout; curses gets the pty. */
	fd = dup(STDOUT_FILENO);
	out = fdopen(fd, "w");
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	if (!getenv("TERM") || !*getenv("TERM") || strcmp(getenv("TERM"), "dumb") == 0)
		setenv("TERM", "xterm-256color", 1);
	signal(SIGPIPE, SIG_IGN);
	child = fake_tty();

	model_init(&model);
	ct_table_init(&ct);
	memset(&theme, 0, sizeof(theme));
	if (ui_theme_load(&theme, "default", &cause) < 0 || ui_tty_init(&to, &cause) < 0) {
		fprintf(stderr, "frame-cost: %s\n", cause);
		return 1;
	}
	render = ui_render_new(true);
	ui_render_theme(render, &theme);
	canvas_init(&canvas, width, height, !ui_tty_utf8());

	/* The demo: diagram, biggest chain, flows over nflows synthetic flows. */
	feed_demo_conntrack(&ct, 0, 0);
	reset_stack();
	run_screen("diagram", true, false);
	reset_stack();
	view_open_chain(&st, biggest_chain());
	run_screen("chain", true, false);
	ct_table_free(&ct);
	ct_table_init(&ct);
	fill_flows(nflows, 0);
	reset_stack();
	view_stack_push(&st, view_flows_new());
	view_stack_tick(&st);
	run_screen("flows-cached", false, false);
	run_screen("flows-event", false, true);
	{
		/* What a periodic dump costs the mirror (not a frame: once per ~5 s at 100k). */
		double c0 = cpu_us();

		fill_flows(nflows, 1);
		fprintf(out, "screen=ct-reconcile flows=%zu once_us=%.0f\n", nflows, cpu_us() - c0);
	}

	if (recording) {
		ct_table_free(&ct);
		ct_table_init(&ct);
		load_recording(recording);
		reset_stack();
		run_screen("rec-diagram", true, false);
		reset_stack();
		view_open_chain(&st, biggest_chain());
		run_screen("rec-chain", true, false);
		fprintf(out, "recording chains=%zu biggest=%zu\n", model.cur->nchains, biggest_chain()->nrules);
	}

	ui_render_free(render);
	ui_tty_fini();
	canvas_free(&canvas);
	view_stack_free(&st);
	model_free(&model);
	ct_table_free(&ct);
	if (rec_feed)
		feed_close(rec_feed);
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	waitpid(child, NULL, 0);
	fclose(out);
	return 0;
}
