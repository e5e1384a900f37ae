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

int main(int argc, char **argv)
{
	struct batch_opts bo = { 0, DEFAULT_INTERVAL_MS, false, 0, true, 0 };
	struct ui_opts uo;
	const char *netns = NULL, *record = NULL, *replay = NULL, *lab_prefix = NULL, *trace = NULL;
	int trace_rate = 10;
	bool batch = false, demo = false, lab = false, delay_given = false, trace_legacy = false;
	bool observe = false;
	unsigned int trace_flags = 0;   /* TRACE_*: --trace-dir, --trace-legacy */
	bool text = false, v4 = false, v6 = false, rate_given = false;
	struct feed *feed;
	char *cause = NULL;
	char *lab_ns = NULL;
	struct serve_opts so = { 0 };
	const char **serve_ns = NULL;
	bool serve_opt = false;
	int c, ret;

	memset(&uo, 0, sizeof(uo));
	uo.interval_ms = DEFAULT_INTERVAL_MS;
	uo.glow_time = MODEL_GLOW_DEFAULT;

	if (argc > 1 && strcmp(argv[1], "lab") == 0)
		return run_lab(argv + 1);

	while ((c = getopt_long(argc, argv, "bn:d:N:46hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'b': batch = true; text = true; break;
		case OPT_JSON: batch = true; bo.json = true; break;
		case 'n': bo.iterations = parse_count(optarg, "-n/--iterations", "number of iterations"); break;
		case 'd': bo.interval_ms = uo.interval_ms = parse_delay(optarg); delay_given = true; break;
		case 'N':
			netns = optarg;
			serve_ns = xreallocarray(serve_ns, so.nnetns + 1, sizeof(*serve_ns));
			serve_ns[so.nnetns++] = optarg;
			so.netns = serve_ns;
			break;
		case '4': bo.family_mode = uo.family_mode = 4; v4 = true; break;
		case '6': bo.family_mode = uo.family_mode = 6; v6 = true; break;
		case OPT_THEME: uo.theme = optarg; break;
		case OPT_NO_COLOR: uo.no_color = true; break;
		case OPT_ASCII: uo.ascii = true; break;
		case OPT_RECORD: record = optarg; break;
		case OPT_REPLAY: replay = optarg; break;
		case OPT_DEMO: demo = true; break;
		case OPT_LAB: lab = true; break;
		case OPT_LAB_PREFIX: lab_prefix = optarg; break;
		case OPT_TRACE: trace = optarg; break;
		case OPT_TRACE_RATE:
			trace_rate = parse_count(optarg, "--trace-rate", "trace rate");
			rate_given = true;
			break;
		case OPT_TRACE_LEGACY: trace_legacy = true; break;
		case OPT_TRACE_DIR: trace_flags = parse_trace_dir(optarg); break;
		case OPT_FLOWS_LIMIT:
			bo.flows_limit = (size_t)parse_count(optarg, "--flows-limit", "number of flows");
			break;
		case OPT_NO_CONNTRACK: bo.conntrack = false; break;
		case OPT_OBSERVE: observe = true; break;
		case OPT_SERVE: so.listen = optarg; break;
		case OPT_SERVE_NETNS:
			serve_opt = true;
			if (strcmp(optarg, "all") != 0)
				usage_error("invalid --serve-netns '%s': give all (and -N NAME for single ones)", optarg);
			so.all_netns = true;
			break;
		case OPT_SERVE_RULES:
			serve_opt = true;
			if (metrics_rules_parse(optarg, &so.rules) < 0)
				usage_error("invalid --serve-rules '%s': give all, counted or commented", optarg);
			break;
		case OPT_SERVE_TIMEOUT: so.timeout_ms = parse_delay(optarg); serve_opt = true; break;
		case OPT_GLOW: uo.glow_time = parse_glow(optarg); break;
		case OPT_SERVE_MAX_CONNS: so.max_conns = parse_count(optarg, "--serve-max-conns", "number of connections"); serve_opt = true; break;
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
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	so.observe = observe;
	if (so.listen)
		return run_serve(&so, bo.conntrack, batch || trace || record || replay || demo || lab);
	if (serve_opt)
		usage_error("%s", "--serve-netns, --serve-rules, --serve-timeout and --serve-max-conns go with --serve");
	free(serve_ns);
	if ((replay != NULL) + demo + lab + (netns != NULL && !lab) > 1 && !(lab && !netns))
		usage_error("%s", "choose one of --netns, --replay, --demo and --lab");
	if (replay && record)
		usage_error("%s", "--record and --replay cannot be combined");
	/* Options that contradict each other, or that one given leaves unused. */
	if (text && bo.json)
		usage_error("%s", "choose one of -b (text frames) and --json (JSON lines)");
	if (v4 && v6)
		usage_error("%s", "choose one of -4 and -6 (without either: both)");
	if (demo && record)
		usage_error("%s", "--record records a live namespace: not with --demo");
	if (bo.flows_limit && !bo.conntrack)
		usage_error("%s", "--flows-limit limits conntrack flows: not with --no-conntrack");
	if (rate_given && !trace)
		usage_error("%s", "--trace-rate goes with --trace FILTER");
	if (lab_prefix && !lab)
		usage_error("%s", "--lab-prefix goes with --lab (or: iptop lab ... --prefix P)");
	if (trace_legacy && (replay || demo))
		usage_error("%s", "--trace-legacy traces a live namespace: not with --replay or --demo");
	if (trace_legacy && batch && !trace)
		usage_error("%s", "--trace-legacy goes with --trace FILTER (or press t in the dashboard)");
	if (observe && (replay || demo))
		usage_error("%s", "--observe counts packets in a live namespace: not with --replay or --demo");
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		uo.no_color = true;
	if (uo.theme && ui_theme_check(uo.theme, &cause) < 0)
		return fail(cause);
	if (replay && batch && !delay_given)
		bo.interval_ms = 0;

	if (lab) {
		const char *prefix = lab_prefix ? lab_prefix : getenv("IPTOP_LAB_PREFIX");
		const char *args[8];
		int n = 0;

		if (!prefix || !*prefix)
			prefix = "iptop-lab";
		/* "up" on a running lab only repairs what is missing and starts
		 * the traffic; its summary would be hidden by the screen. */
		args[n++] = "up";
		args[n++] = "--traffic";
		args[n++] = "--prefix";
		args[n++] = prefix;
		args[n] = NULL;
		if (lab_call(args, true) != 0) {
			fprintf(stderr, "iptop: the lab did not come up\n");
			return 1;
		}
		lab_ns = xasprintf("%s-host", prefix);
		netns = lab_ns;
	}

	if (demo)
		feed = feed_demo_open();
	else if (replay)
		feed = feed_replay_open(replay, &cause);
	else
		feed = feed_live_open(netns, record, bo.interval_ms, &cause);
	if (!feed)
		return fail(cause);
	/* A replay in the dashboard runs at the speed it was recorded at
	 * (+/- change it, space pauses, . steps). */
	if (feed->replay && !demo && !delay_given && feed->interval_ms >= 50)
		uo.interval_ms = feed->interval_ms;

	if (feed->notice && batch)   /* the dashboard shows it on screen */
		fprintf(stderr, "iptop: after an iptop that was killed while tracing: %s\n", feed->notice);
	/* --observe, or the lab (a lesson wants packets at the hooks): a
	 * failure is fatal only when asked for explicitly. */
	if ((observe || lab) && !trace && feed_observe(feed, true, &cause) < 0) {
		if (observe) {
			fprintf(stderr, "iptop: %s\n", cause);
			feed_close(feed);
			free(cause);
			free(lab_ns);
			return 1;
		}
		free(cause);
		cause = NULL;
	}
	if (feed->observe_notice && batch)
		fprintf(stderr, "iptop: %s\n", feed->observe_notice);
	if (trace && !batch) {
		fprintf(stderr, "iptop: --trace works with -b or --json (in the dashboard press t)\n");
		feed_close(feed);
		return 2;
	}
	if (trace_legacy) {
		/* Every trace this run starts (batch, or t in the dashboard). In
		 * batch mode say what changes before it changes (the feed is in
		 * the namespace by now). */
		trace_flags |= TRACE_LEGACY;
		if (batch && trace) {
			struct trace_filter tf;
			char *plan, *ignore = NULL;

			/* A bad filter is reported by the trace itself. */
			if (trace_filter_parse(trace, &tf, &ignore) < 0)
				tf.nfproto = 0;
			free(ignore);
			plan = collect_nflog_plan(tf.nfproto);
			fprintf(stderr, "%s", plan);
			free(plan);
		}
	}
	feed->trace_flags = trace_flags;
	if (batch) {
		ret = trace ? batch_trace_run(feed, trace, trace_rate, &bo, stdout, &cause)
			    : batch_run(feed, &bo, stdout, &cause);
		if (ret) {
			if (cause && strstr(cause, "CAP_NET_ADMIN") && !trace)
				eperm_message(feed);
			else
				fprintf(stderr, "iptop: %s\n", cause ? cause : "failed");
		}
	} else {
		if (!feed->replay) {
			/* Say what is missing before the screen takes over. */
			struct snap_ruleset *probe = feed->ops->snapshot(feed, NULL, NULL, NULL);

			if (probe->status == SRC_EPERM) {
				eperm_message(feed);
				snapshot_ruleset_free(probe);
				feed_close(feed);
				return 1;
			}
			snapshot_ruleset_free(probe);
		}
		ret = loop_run(feed, &uo, &cause) < 0 ? 1 : 0;
		if (ret)
			fprintf(stderr, "iptop: %s\n", cause ? cause : "failed");
	}
	feed_close(feed);
	free(cause);
	if (lab_ns)
		fprintf(stderr, "iptop: the lab is still up; remove it with: iptop lab down%s%s\n",
			lab_prefix ? " --prefix " : "", lab_prefix ? lab_prefix : "");
	free(lab_ns);
	return ret;
}
