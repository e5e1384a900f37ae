/*
 * main.c - command line, privilege and namespace checks, then one of:
 * the dashboard (loop_run), batch/JSON frames (batch_run), or the lab script.
 * The only file that calls exit(); everything below returns errors.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "explain.h"
#include "feed.h"
#include "iptop.h"
#include "model.h"
#include "serve.h"
#include "trace.h"
#include "ui.h"

#define DEFAULT_INTERVAL_MS 500

static const char usage_text[] =
	"Usage: iptop [OPTION]...           live dashboard of the firewall\n"
	"       iptop -b|--json [OPTION]... batch frames (text or JSON lines)\n"
	"       iptop lab up|down|status|exec|traffic|rules [ARG]...\n"
	"       iptop --serve [ADDR:]PORT [OPTION]...  Prometheus exporter (see doc/metrics.md)\n"
	"\n"
	"Options:\n"
	"  -b, --batch             print plain-text frames instead of the dashboard\n"
	"      --json              print one JSON object per frame (see doc/json.md); not with -b\n"
	"  -n, --iterations N      stop after N frames, or N traced packets (default: run until killed)\n"
	"  -d, --delay SECONDS     refresh interval (default 0.5; 0.05 to 3600)\n"
	"                          (every number: plain decimal, 2 or 0.25; no sign, hex or exponent)\n"
	"      --flows-limit N     at most N conntrack flows per batch/JSON frame\n"
	"      --no-conntrack      leave conntrack out of batch/JSON frames\n"
	"  -N, --netns NAME|PATH   attach to a network namespace (/run/netns/NAME or /proc/PID/ns/net)\n"
	"  -4, --ipv4              show IPv4 only (ip and inet tables)\n"
	"  -6, --ipv6              show IPv6 only (ip6 and inet tables); not with -4\n"
	"      --theme NAME|FILE   colour theme: default, mono, light, projector, or a file\n"
	"      --no-color          no colours (also when NO_COLOR is set)\n"
	"      --ascii             draw boxes with ASCII characters\n"
	"      --glow SECONDS      how long a hit chain or rule stays lit, fading (default 5;\n"
	"                          0 for no afterglow; at most 3600)\n"
	"      --trace FILTER      follow packets matching FILTER (iptables words: '-p icmp -s 172.20.0.2')\n"
	"      --trace-rate N      trace at most N packets per second (default 10), with --trace\n"
	"      --trace-legacy      also trace iptables-legacy rules: sets the namespace's\n"
	"                          net.netfilter.nf_log.2/.10 to nfnetlink_log while tracing\n"
	"                          and restores them when it stops (says what changes first;\n"
	"                          in the dashboard L in the trace view asks instead)\n"
	"      --trace-dir DIR     both (default): a filter on addresses or ports also traces the\n"
	"                          replies of the connections it matched (by their conntrack\n"
	"                          original tuple, from conntrack on); orig: only packets the\n"
	"                          filter matches; reply: only those replies\n"
	"      --observe           count the packets entering each hook (adds iptop's own table\n"
	"                          inet iptop_observe while iptop runs; on by default with --lab)\n"
	"      --record FILE       record what is read from the kernel to FILE (rules, conntrack, traces);\n"
	"                          a write error ends iptop at once (exit status 1)\n"
	"      --replay FILE       replay a recording (no root needed); with --trace FILTER -b|--json:\n"
	"                          the packets it traced that FILTER matches\n"
	"      --demo              a synthetic firewall with moving counters (no root needed)\n"
	"      --lab               bring up the lab (if needed) with traffic and watch its host\n"
	"      --lab-prefix P      namespace prefix of the lab (default iptop-lab), with --lab\n"
	"      --serve [ADDR:]PORT serve /metrics for Prometheus (ADDR default 127.0.0.1;\n"
	"                          the documented port is 9617); -N may be given several times\n"
	"      --serve-netns all   also serve every named namespace (/run/netns) found at start\n"
	"      --serve-rules WHICH rule series: all (default), counted or commented\n"
	"      --serve-timeout S   seconds a client has to send its request, and may stall\n"
	"                          reading the response (default 10)\n"
	"      --serve-max-conns N clients served at once; more get 503 (default 16)\n"
	"  -h, --help              show this help and exit\n"
	"  -V, --version           show the version and where themes and notes are read from\n"
	"\n"
	"iptop only reads: it never changes rules, counters or connections.\n"
	"Reading the ruleset needs CAP_NET_ADMIN (root); --replay and --demo need none.\n";

static void usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "iptop: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'iptop --help' for more information.\n");
	exit(2);
}

enum {
	OPT_JSON = 256,
	OPT_THEME,
	OPT_NO_COLOR,
	OPT_ASCII,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_DEMO,
	OPT_LAB,
	OPT_LAB_PREFIX,
	OPT_TRACE,
	OPT_TRACE_RATE,
	OPT_TRACE_LEGACY,
	OPT_TRACE_DIR,
	OPT_FLOWS_LIMIT,
	OPT_NO_CONNTRACK,
	OPT_OBSERVE,
	OPT_SERVE,
	OPT_SERVE_NETNS,
	OPT_SERVE_RULES,
	OPT_SERVE_TIMEOUT,
	OPT_SERVE_MAX_CONNS,
	OPT_GLOW,
};

static const struct option long_opts[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "iterations", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "netns", required_argument, NULL, 'N' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "no-colour", no_argument, NULL, OPT_NO_COLOR },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "lab", no_argument, NULL, OPT_LAB },
	{ "lab-prefix", required_argument, NULL, OPT_LAB_PREFIX },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "trace-rate", required_argument, NULL, OPT_TRACE_RATE },
	{ "trace-legacy", no_argument, NULL, OPT_TRACE_LEGACY },
	{ "trace-dir", required_argument, NULL, OPT_TRACE_DIR },
	{ "flows-limit", required_argument, NULL, OPT_FLOWS_LIMIT },
	{ "no-conntrack", no_argument, NULL, OPT_NO_CONNTRACK },
	{ "observe", no_argument, NULL, OPT_OBSERVE },
	{ "serve", required_argument, NULL, OPT_SERVE },
	{ "serve-netns", required_argument, NULL, OPT_SERVE_NETNS },
	{ "serve-rules", required_argument, NULL, OPT_SERVE_RULES },
	{ "serve-timeout", required_argument, NULL, OPT_SERVE_TIMEOUT },
	{ "serve-max-conns", required_argument, NULL, OPT_SERVE_MAX_CONNS },
	{ "glow", required_argument, NULL, OPT_GLOW },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Where the lab script is: $IPTOP_LAB_SCRIPT, beside an uninstalled
 * binary (tools/iptop-lab), or the installed copy. */
static char *lab_script(void)
{
	const char *env = getenv("IPTOP_LAB_SCRIPT");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash, *p;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			p = xasprintf("%s/tools/iptop-lab", self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xstrdup(PKGLIBEXECDIR "/iptop-lab");
}

static int run_lab(char **argv)
{
	char *script = lab_script();

	argv[0] = script;
	execv(script, argv);
	fprintf(stderr, "iptop: cannot run the lab script %s: %s\n", script, strerror(errno));
	return 1;
}

/* Run the lab script with args (stdout to /dev/null when quiet), wait;
 * returns its exit status. */
static int lab_call(const char *const *args, bool quiet)
{
	char *script = lab_script();
	pid_t pid = fork();
	int st;

	if (pid < 0) {
		free(script);
		return -1;
	}
	if (pid == 0) {
		const char *argv[16];
		int i;

		argv[0] = script;
		for (i = 0; args[i] && i < 14; i++)
			argv[i + 1] = args[i];
		argv[i + 1] = NULL;
		if (quiet && !freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(script, (char *const *)argv);
		fprintf(stderr, "iptop: cannot run the lab script %s: %s\n", script, strerror(errno));
		_exit(127);
	}
	free(script);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Digits only, at most one '.' with digits on a side: no sign, space,
 * hex, exponent, "inf" or "nan" (strtod takes them all). */
static bool plain_decimal(const char *s, bool point_ok)
{
	const char *p;
	int dots = 0, digits = 0;

	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && point_ok && !dots)
			dots++;
		else
			return false;
	}
	return digits > 0;
}

static int parse_delay(const char *s)
{
	double d;

	d = plain_decimal(s, true) ? strtod(s, NULL) : -1;
	if (d < 0.05 || d > 3600)
		usage_error("invalid delay '%s' for -d/--delay: give seconds from 0.05 to 3600, "
			    "as digits with an optional decimal point", s);
	return (int)(d * 1000 + 0.5);
}

/* --glow: seconds from 0 (no afterglow) to 3600. */
static double parse_glow(const char *s)
{
	double d = plain_decimal(s, true) ? strtod(s, NULL) : -1;

	if (d < 0 || d > 3600)
		usage_error("invalid time '%s' for --glow: give seconds from 0 to 3600, "
			    "as digits with an optional decimal point", s);
	return d;
}

/* A whole number from 1 for option opt ("-n/--iterations"), what it counts. */
static int parse_count(const char *s, const char *opt, const char *what)
{
	long v;

	errno = 0;
	v = plain_decimal(s, false) ? strtol(s, NULL, 10) : 0;
	if (errno || v < 1 || v > INT_MAX)
		usage_error("invalid %s '%s' for %s: give a whole number from 1", what, s, opt);
	return (int)v;
}

/* iptop --serve: the options that go with it, then the server. */
static int run_serve(struct serve_opts *so, bool conntrack, bool other_mode)
{
	char *cause = NULL;
	int ret;

	if (other_mode)
		usage_error("%s", "--serve runs alone: not with -b, --json, --trace, --record, --replay, --demo or --lab");
	so->flows = conntrack;
	ret = serve_run(so, stderr, &cause);
	if (ret)
		fprintf(stderr, "iptop: %s\n", cause ? cause : "failed");
	free(cause);
	free((void *)so->netns);
	return ret;
}

/* Once, naming what is missing and where, and the ways out. */
static void eperm_message(const struct feed *f)
{
	fprintf(stderr,
		"iptop: reading the firewall needs CAP_NET_ADMIN in network namespace %s\n"
		"  run as root (sudo iptop), or: sudo setcap cap_net_admin+ep $(command -v iptop);\n"
		"  without privileges: iptop --replay FILE, or iptop --demo\n",
		f->netns_label);
}

/* Print an error that stops the run, and free it. */
static int fail(char *cause)
{
	fprintf(stderr, "iptop: %s\n", cause ? cause : "failed");
	free(cause);
	return 1;
}

/* --trace-dir: the trace flags for one direction, or both. */
static unsigned int parse_trace_dir(const char *s)
{
	if (strcmp(s, "both") == 0)
		return 0;
	if (strcmp(s, "orig") == 0 || strcmp(s, "original") == 0)
		return TRACE_ORIG_ONLY;
	if (strcmp(s, "reply") == 0)
		return TRACE_REPLY_ONLY;
	usage_error("invalid --trace-dir '%s': give both, orig or reply", s);
	return 0;
}

/* Everything the command line says, filled by parse_options(). */
struct options {
	struct batch_opts bo;
	struct ui_opts uo;
	struct serve_opts so;
	const char **serve_ns;   /* so.netns, allocated */
	const char *netns, *record, *replay, *lab_prefix, *trace;
	int trace_rate;
	unsigned int trace_flags;   /* TRACE_*: --trace-dir, --trace-legacy */
	bool batch, text, demo, lab, observe, trace_legacy;
	bool delay_given, rate_given, serve_opt, v4, v6;
};

/* One option of getopt_long's into o; -1, or the exit status when it
 * ends the run (--help, --version, an unknown option). */
static int parse_option(int c, const char *arg, struct options *o)
{
	switch (c) {
	case 'b': o->batch = true; o->text = true; break;
	case OPT_JSON: o->batch = true; o->bo.json = true; break;
	case 'n': o->bo.iterations = parse_count(arg, "-n/--iterations", "number of iterations"); break;
	case 'd': o->bo.interval_ms = o->uo.interval_ms = parse_delay(arg); o->delay_given = true; break;
	case 'N':
		o->netns = arg;
		o->serve_ns = xreallocarray(o->serve_ns, o->so.nnetns + 1, sizeof(*o->serve_ns));
		o->serve_ns[o->so.nnetns++] = arg;
		o->so.netns = o->serve_ns;
		break;
	case '4': o->bo.family_mode = o->uo.family_mode = 4; o->v4 = true; break;
	case '6': o->bo.family_mode = o->uo.family_mode = 6; o->v6 = true; break;
	case OPT_THEME: o->uo.theme = arg; break;
	case OPT_NO_COLOR: o->uo.no_color = true; break;
	case OPT_ASCII: o->uo.ascii = true; break;
	case OPT_RECORD: o->record = arg; break;
	case OPT_REPLAY: o->replay = arg; break;
	case OPT_DEMO: o->demo = true; break;
	case OPT_LAB: o->lab = true; break;
	case OPT_LAB_PREFIX: o->lab_prefix = arg; break;
	case OPT_TRACE: o->trace = arg; break;
	case OPT_TRACE_RATE:
		o->trace_rate = parse_count(arg, "--trace-rate", "trace rate");
		o->rate_given = true;
		break;
	case OPT_TRACE_LEGACY: o->trace_legacy = true; break;
	case OPT_TRACE_DIR: o->trace_flags = parse_trace_dir(arg); break;
	case OPT_FLOWS_LIMIT:
		o->bo.flows_limit = (size_t)parse_count(arg, "--flows-limit", "number of flows");
		break;
	case OPT_NO_CONNTRACK: o->bo.conntrack = false; break;
	case OPT_OBSERVE: o->observe = true; break;
	case OPT_SERVE: o->so.listen = arg; break;
	case OPT_SERVE_NETNS:
		o->serve_opt = true;
		if (strcmp(arg, "all") != 0)
			usage_error("invalid --serve-netns '%s': give all (and -N NAME for single ones)", arg);
		o->so.all_netns = true;
		break;
	case OPT_SERVE_RULES:
		o->serve_opt = true;
		if (metrics_rules_parse(arg, &o->so.rules) < 0)
			usage_error("invalid --serve-rules '%s': give all, counted or commented", arg);
		break;
	case OPT_SERVE_TIMEOUT: o->so.timeout_ms = parse_delay(arg); o->serve_opt = true; break;
	case OPT_GLOW: o->uo.glow_time = parse_glow(arg); break;
	case OPT_SERVE_MAX_CONNS: o->so.max_conns = parse_count(arg, "--serve-max-conns", "number of connections"); o->serve_opt = true; break;
	case 'h': fputs(usage_text, stdout); return 0;
	case 'V': {
		char *themes = ui_theme_dir(), *notes = explain_dir();

		printf("iptop %s\nthemes: %s\nnotes: %s\n", PACKAGE_VERSION, themes, notes);
		free(themes);
		free(notes);
		return 0;
	}
	default:
		fprintf(stderr, "Try 'iptop --help' for more information.\n");
		return 2;
	}
	return -1;
}

/* Options that contradict each other, or that one given leaves unused
 * (--serve's are checked by run_serve). */
static void check_options(const struct options *o)
{
	if (o->serve_opt)
		usage_error("%s", "--serve-netns, --serve-rules, --serve-timeout and --serve-max-conns go with --serve");
	if ((o->replay != NULL) + o->demo + o->lab + (o->netns != NULL && !o->lab) > 1 && !(o->lab && !o->netns))
		usage_error("%s", "choose one of --netns, --replay, --demo and --lab");
	if (o->replay && o->record)
		usage_error("%s", "--record and --replay cannot be combined");
	if (o->text && o->bo.json)
		usage_error("%s", "choose one of -b (text frames) and --json (JSON lines)");
	if (o->v4 && o->v6)
		usage_error("%s", "choose one of -4 and -6 (without either: both)");
	if (o->demo && o->record)
		usage_error("%s", "--record records a live namespace: not with --demo");
	if (o->bo.flows_limit && !o->bo.conntrack)
		usage_error("%s", "--flows-limit limits conntrack flows: not with --no-conntrack");
	if (o->rate_given && !o->trace)
		usage_error("%s", "--trace-rate goes with --trace FILTER");
	if (o->lab_prefix && !o->lab)
		usage_error("%s", "--lab-prefix goes with --lab (or: iptop lab ... --prefix P)");
	if (o->trace_legacy && (o->replay || o->demo))
		usage_error("%s", "--trace-legacy traces a live namespace: not with --replay or --demo");
	if (o->trace_legacy && o->batch && !o->trace)
		usage_error("%s", "--trace-legacy goes with --trace FILTER (or press t in the dashboard)");
	if (o->observe && (o->replay || o->demo))
		usage_error("%s", "--observe counts packets in a live namespace: not with --replay or --demo");
}

/* The command line into o: -1, or the exit status when it ends the run
 * there (usage errors exit at once). --serve's options are left for
 * run_serve to check. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->bo = (struct batch_opts){ 0, DEFAULT_INTERVAL_MS, false, 0, true, 0 };
	o->uo.interval_ms = DEFAULT_INTERVAL_MS;
	o->uo.glow_time = MODEL_GLOW_DEFAULT;
	o->trace_rate = 10;
	while ((c = getopt_long(argc, argv, "bn:d:N:46hV", long_opts, NULL)) != -1)
		if ((ret = parse_option(c, optarg, o)) >= 0)
			return ret;
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	o->so.observe = o->observe;
	if (o->so.listen)
		return -1;
	check_options(o);
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		o->uo.no_color = true;
	if (o->replay && o->batch && !o->delay_given)
		o->bo.interval_ms = 0;
	/* Every trace this run starts (batch, or t in the dashboard). */
	if (o->trace_legacy)
		o->trace_flags |= TRACE_LEGACY;
	return -1;
}

/* --lab: bring the lab up (or repair it) with traffic; its host's
 * namespace name (allocated), or NULL when it did not come up. */
static char *lab_up(const struct options *o)
{
	const char *prefix = o->lab_prefix ? o->lab_prefix : getenv("IPTOP_LAB_PREFIX");
	const char *args[8];
	int n = 0;

	if (!prefix || !*prefix)
		prefix = "iptop-lab";
	/* "up" on a running lab only repairs what is missing and starts the
	 * traffic; its summary would be hidden by the screen. */
	args[n++] = "up";
	args[n++] = "--traffic";
	args[n++] = "--prefix";
	args[n++] = prefix;
	args[n] = NULL;
	if (lab_call(args, true) != 0) {
		fprintf(stderr, "iptop: the lab did not come up\n");
		return NULL;
	}
	return xasprintf("%s-host", prefix);
}

/* Hook observation for --observe, or the lab (a lesson wants packets at
 * the hooks): a failure is fatal (-1) only when asked for explicitly. */
static int start_observe(struct feed *feed, const struct options *o)
{
	char *cause = NULL;

	if (!(o->observe || o->lab) || o->trace || feed_observe(feed, true, &cause) == 0)
		return 0;
	if (o->observe)
		fprintf(stderr, "iptop: %s\n", cause);
	free(cause);
	return o->observe ? -1 : 0;
}

/* --trace-legacy in batch mode: say what changes before it changes (the
 * feed is in the namespace by now). */
static void legacy_plan(const struct options *o)
{
	struct trace_filter tf;
	char *plan, *ignore = NULL;

	if (!o->trace_legacy || !o->batch || !o->trace)
		return;
	/* A bad filter is reported by the trace itself. */
	if (trace_filter_parse(o->trace, &tf, &ignore) < 0)
		tf.nfproto = 0;
	free(ignore);
	plan = collect_nflog_plan(tf.nfproto);
	fprintf(stderr, "%s", plan);
	free(plan);
}

/* -b, --json or --trace: the frames on stdout; the exit status. */
static int run_batch(struct feed *feed, const struct options *o)
{
	char *cause = NULL;
	int ret;

	ret = o->trace ? batch_trace_run(feed, o->trace, o->trace_rate, &o->bo, stdout, &cause)
		       : batch_run(feed, &o->bo, stdout, &cause);
	if (ret) {
		if (cause && strstr(cause, "CAP_NET_ADMIN") && !o->trace)
			eperm_message(feed);
		else
			fprintf(stderr, "iptop: %s\n", cause ? cause : "failed");
	}
	free(cause);
	return ret;
}

/* The first frame draws counters and the chain tree, no rule text: the
 * text of the chains the views want comes with the next snapshot. */
static bool want_no_text(const struct snap_chain *ch, void *arg)
{
	return false;
}

/* The dashboard on a live feed without privileges? Say what is missing
 * before the screen takes over. */
static bool eperm_before_screen(struct feed *feed, struct ui_opts *uo)
{
	struct snap_ruleset *probe;

	if (feed->replay)
		return false;
	probe = feed->ops->snapshot(feed, NULL, want_no_text, NULL);
	if (probe->status == SRC_EPERM) {
		eperm_message(feed);
		snapshot_ruleset_free(probe);
		return true;
	}
	uo->first = probe;	/* the dashboard starts from it: read once, not twice */
	return false;
}

/* The dashboard; the exit status. */
static int run_dashboard(struct feed *feed, const struct ui_opts *uo)
{
	char *cause = NULL;
	int ret;

	ret = loop_run(feed, uo, &cause) < 0 ? 1 : 0;
	if (ret)
		fprintf(stderr, "iptop: %s\n", cause ? cause : "failed");
	free(cause);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o;
	struct feed *feed;
	char *cause = NULL;
	char *lab_ns = NULL;
	int ret;

	if (argc > 1 && strcmp(argv[1], "lab") == 0)
		return run_lab(argv + 1);
	util_heap_huge(32 << 20);
	ret = parse_options(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (o.so.listen)
		return run_serve(&o.so, o.bo.conntrack, o.batch || o.trace || o.record || o.replay || o.demo || o.lab);
	free(o.serve_ns);
	if (o.uo.theme && ui_theme_check(o.uo.theme, &cause) < 0)
		return fail(cause);
	if (o.lab) {
		lab_ns = lab_up(&o);
		if (!lab_ns)
			return 1;
		o.netns = lab_ns;
	}

	if (o.demo)
		feed = feed_demo_open();
	else if (o.replay)
		feed = feed_replay_open(o.replay, &cause);
	else
		feed = feed_live_open(o.netns, o.record, o.bo.interval_ms, o.trace_flags, &cause);
	if (!feed)
		return fail(cause);
	/* A replay in the dashboard runs at the speed it was recorded at
	 * (+/- change it, space pauses, . steps). */
	if (feed->replay && !o.demo && !o.delay_given && feed->interval_ms >= 50)
		o.uo.interval_ms = feed->interval_ms;
	if (feed->notice && o.batch)   /* the dashboard shows it on screen */
		fprintf(stderr, "iptop: after an iptop that was killed while tracing: %s\n", feed->notice);
	if (start_observe(feed, &o) < 0) {
		feed_close(feed);
		free(lab_ns);
		return 1;
	}
	if (feed->observe_notice && o.batch)
		fprintf(stderr, "iptop: %s\n", feed->observe_notice);
	if (o.trace && !o.batch) {
		fprintf(stderr, "iptop: --trace works with -b or --json (in the dashboard press t)\n");
		feed_close(feed);
		return 2;
	}
	legacy_plan(&o);
	if (!o.batch && eperm_before_screen(feed, &o.uo)) {
		feed_close(feed);
		return 1;
	}
	ret = o.batch ? run_batch(feed, &o) : run_dashboard(feed, &o.uo);
	feed_close(feed);
	if (lab_ns)
		fprintf(stderr, "iptop: the lab is still up; remove it with: iptop lab down%s%s\n",
			o.lab_prefix ? " --prefix " : "", o.lab_prefix ? o.lab_prefix : "");
	free(lab_ns);
	return ret;
}
