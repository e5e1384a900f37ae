/*
 * collect-nflog.c - the live half of legacy tracing (--trace-legacy).
 * ip_tables/ip6_tables report each rule a packet with nf_trace walks to
 * nf_log_trace(), which hands the line to the network namespace's logger
 * for the family: net.netfilter.nf_log.2 (IPv4) and .10 (IPv6), per
 * namespace, usually nf_log_ipv4/nf_log_ipv6 (the kernel log, and only
 * in the initial namespace). Set to nfnetlink_log, the lines go to
 * nfnetlink_log group 0 as NFULNL_MSG_PACKET with the line as prefix.
 *
 * So, for the session: save the bindings, bind group 0 on the trace event
 * socket (both kinds of message then share one queue, in the kernel's
 * order), set the bindings to nfnetlink_log; at the end restore them.
 * The saved values also go to /run/iptop/nflog-<netns cookie>.state,
 * flock()ed while the session lives: an iptop killed with SIGKILL leaves
 * the file unlocked, and the next start in that namespace restores the
 * bindings from it (collect_nflog_recover). The group 0 binding itself
 * needs no such care: the kernel drops it when the socket closes.
 *
 * Never touches rules, and no other namespace than the current one.
 * Parsing the messages is trace-nflog.c's job.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "iptop.h"
#include "nl.h"
#include "trace.h"
#include "trace-int.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

#define STATE_DIR "/run/iptop"
#define NFLOG_SYSCTL "/proc/sys/net/netfilter/nf_log/%u"
#define NFLOG_NETLINK "nfnetlink_log"
#define NFLOG_COPY_RANGE 128      /* IPv6 + extension headers + TCP */
#define NAME_MAX_LOGGER 64

struct nflog_pf {
	uint8_t pf;               /* NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10) */
	bool present;             /* the sysctl exists */
	bool changed;             /* we wrote nfnetlink_log over saved */
	char saved[NAME_MAX_LOGGER];
};

struct trace_nflog {
	struct nlsock *sock;      /* not owned: the trace event socket */
	int lock_fd;
	char *path;
	struct nflog_pf pfs[2];
	char *notice;
	char bindings[32];        /* "nf_log.2, nf_log.10": the ones it holds */
};

static const char *pf_label(uint8_t pf)
{
	return pf == NFPROTO_IPV6 ? "IPv6" : "IPv4";
}

/* ---- the sysctl ------------------------------------------------------------- */

/* Read net.netfilter.nf_log.PF: "nf_log_ipv4", "nfnetlink_log", "NONE". */
static int logger_get(uint8_t pf, char *buf, size_t n)
{
	char path[64];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), NFLOG_SYSCTL, pf);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, (int)n, f)) {
		int e = ferror(f) ? errno : EIO;

		fclose(f);
		errno = e;
		return -1;
	}
	fclose(f);
	len = strcspn(buf, "\n");
	buf[len] = '\0';
	return 0;
}

static int logger_set(uint8_t pf, const char *name)
{
	char path[64];
	size_t n = strlen(name);
	int fd, e;
	ssize_t w;

	snprintf(path, sizeof(path), NFLOG_SYSCTL, pf);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	w = write(fd, name, n);
	e = errno;
	close(fd);
	if (w != (ssize_t)n) {
		errno = w < 0 ? e : EIO;
		return -1;
	}
	return 0;
}

/* Where the logger sends messages, for people. */
static const char *logger_meaning(const char *name)
{
	if (strcmp(name, "NONE") == 0)
		return "nowhere (they are dropped)";
	if (strncmp(name, "nf_log_", 7) == 0)
		return "the kernel log";
	if (strcmp(name, NFLOG_NETLINK) == 0)
		return "nfnetlink_log group 0";
	return name;
}

/* Who holds nfnetlink_log group 0 in this namespace: its netlink port id
 * (usually the pid of the process), from /proc/net/netfilter/nfnetlink_log
 * ("group portid qlen copy_mode copy_range flushtimeout use"). */
static bool group0_holder(unsigned long *portid)
{
	FILE *f = fopen("/proc/net/netfilter/nfnetlink_log", "re");
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long group, port;

		if (sscanf(line, "%lu %lu", &group, &port) == 2 && group == 0) {
			*portid = port;
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* ---- which namespace -------------------------------------------------------- */

/* The state file of the current namespace: by the namespace's cookie
 * (never reused while the system runs), else by its inode. */
static char *state_path(unsigned long long *ino)
{
	struct stat sb;
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd;

	*ino = 0;
	if (stat("/proc/self/ns/net", &sb) == 0)
		*ino = (unsigned long long)sb.st_ino;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd >= 0) {
		if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
			cookie = 0;
		close(fd);
	}
	if (cookie)
		return xasprintf(STATE_DIR "/nflog-%" PRIu64 ".state", cookie);
	return xasprintf(STATE_DIR "/nflog-ino%llu.state", *ino);
}

/* ---- state file ------------------------------------------------------------- */

struct saved_state {
	long pid;
	unsigned long long ino;
	size_t n;
	uint8_t pf[2];
	char name[2][NAME_MAX_LOGGER];
};

static void state_parse(int fd, struct saved_state *ss)
{
	char buf[1024], *line, *save = NULL;
	ssize_t n;

	memset(ss, 0, sizeof(*ss));
	if (lseek(fd, 0, SEEK_SET) < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[NAME_MAX_LOGGER];
		unsigned int pf;

		if (sscanf(line, "pid %ld", &ss->pid) == 1 || sscanf(line, "netns %llu", &ss->ino) == 1)
			continue;
		if (sscanf(line, "nf_log.%u %63s", &pf, name) == 2 && (pf == NFPROTO_IPV4 || pf == NFPROTO_IPV6) &&
		    ss->n < 2) {
			ss->pf[ss->n] = (uint8_t)pf;
			snprintf(ss->name[ss->n], sizeof(ss->name[0]), "%s", name);
			ss->n++;
		}
	}
}

static int state_write(int fd, const struct trace_nflog *t, unsigned long long ino)
{
	struct strbuf sb;
	size_t i;
	int rc = 0;

	strbuf_init(&sb);
	strbuf_add(&sb, "# iptop --trace-legacy: the nf_log bindings to restore if iptop dies\n");
	strbuf_addf(&sb, "pid %ld\nnetns %llu\n", (long)getpid(), ino);
	for (i = 0; i < ARRAY_SIZE(t->pfs); i++)
		if (t->pfs[i].present)
			strbuf_addf(&sb, "nf_log.%u %s\n", t->pfs[i].pf, t->pfs[i].saved);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, sb.s, sb.len, 0) != (ssize_t)sb.len || fsync(fd) < 0)
		rc = -1;
	strbuf_free(&sb);
	return rc;
}

/* Put back what a dead session saved (fd locked by us), where the binding
 * is still ours; describe it in *msg. Returns the bindings restored, -1 if
 * one could not be (the file must stay for another try). */
static int restore_saved(int fd, unsigned long long ino, struct strbuf *msg)
{
	bool failed = false;
	struct saved_state ss;
	int done = 0;
	size_t i;

	state_parse(fd, &ss);
	if (ss.ino && ino && ss.ino != ino)
		return 0; /* another namespace's file (inode reused?): not ours */
	for (i = 0; i < ss.n; i++) {
		char cur[NAME_MAX_LOGGER];

		if (logger_get(ss.pf[i], cur, sizeof(cur)) < 0 || strcmp(cur, ss.name[i]) == 0)
			continue;
		if (strcmp(cur, NFLOG_NETLINK) != 0) {
			strbuf_addf(msg, "%snet.netfilter.nf_log.%u is %s now, not what iptop set: left alone",
				    msg->len ? "; " : "", ss.pf[i], cur);
			continue;
		}
		if (logger_set(ss.pf[i], ss.name[i]) < 0) {
			strbuf_addf(msg, "%scannot restore net.netfilter.nf_log.%u to %s: %s", msg->len ? "; " : "",
				    ss.pf[i], ss.name[i], strerror(errno));
			failed = true;
			continue;
		}
		strbuf_addf(msg, "%srestored net.netfilter.nf_log.%u to %s", msg->len ? "; " : "", ss.pf[i],
			    ss.name[i]);
		done++;
	}
	if (msg->len)
		strbuf_addf(msg, " (left by iptop pid %ld, which did not exit cleanly)", ss.pid);
	return failed ? -1 : done;
}

int collect_nflog_recover(char **msg)
{
	unsigned long long ino;
	char *path = state_path(&ino);
	struct strbuf sb;
	int fd, rc;

	*msg = NULL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		free(path);
		return 0;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		/* A live iptop is tracing legacy rules here: its business. */
		close(fd);
		free(path);
		return 0;
	}
	strbuf_init(&sb);
	rc = restore_saved(fd, ino, &sb);
	if (rc >= 0)
		unlink(path);
	close(fd);
	free(path);
	if (rc >= 0)
		rc = sb.len ? 1 : 0;
	*msg = sb.len ? strbuf_steal(&sb) : NULL;
	strbuf_free(&sb);
	return rc;
}

/* ---- nfnetlink_log configuration ---------------------------------------------- */

static int nflog_config(struct nlsock *s, uint8_t family, uint16_t group, int attr, const void *data, size_t len)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlbuf out = { 0 };
	int rc;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(group);
	mnl_attr_put(nlh, (uint16_t)attr, len, data);
	rc = nlsock_request(s, nlh, 1, &out);
	nlbuf_free(&out);
	return rc;
}

static int bind_group0(struct nlsock *s, char **cause)
{
	struct nfulnl_msg_config_cmd cmd = { .command = NFULNL_CFG_CMD_BIND };
	struct nfulnl_msg_config_mode mode = { .copy_range = htonl(NFLOG_COPY_RANGE),
					       .copy_mode = NFULNL_COPY_PACKET };
	uint32_t qthresh = htonl(1);
	uint16_t flags = htons(NFULNL_CFG_F_SEQ | NFULNL_CFG_F_CONNTRACK);

	if (nflog_config(s, AF_UNSPEC, 0, NFULA_CFG_CMD, &cmd, sizeof(cmd)) < 0) {
		unsigned long port;
		int e = errno;

		/* The kernel says EPERM both for a group bound by another
		 * socket and for a missing CAP_NET_ADMIN. */
		if ((e == EPERM || e == EBUSY) && group0_holder(&port))
			*cause = xasprintf("nfnetlink_log group 0 is in use by another program in this network "
					   "namespace (netlink port %lu, usually its pid; ulogd?): legacy rules "
					   "cannot be traced while it holds it", port);
		else if (e == EPERM || e == EACCES)
			*cause = xasprintf("tracing legacy rules needs CAP_NET_ADMIN: cannot bind nfnetlink_log "
					   "group 0: %s (run as root)", strerror(e));
		else
			*cause = xasprintf("legacy tracing unavailable on this kernel: cannot bind nfnetlink_log "
					   "group 0: %s", strerror(e));
		return -1;
	}
	/* Headers for telling packets apart; one message per line, at once
	 * (the default queues 100 lines or a second). */
	if (nflog_config(s, AF_UNSPEC, 0, NFULA_CFG_MODE, &mode, sizeof(mode)) < 0 ||
	    nflog_config(s, AF_UNSPEC, 0, NFULA_CFG_QTHRESH, &qthresh, sizeof(qthresh)) < 0) {
		*cause = xasprintf("cannot configure nfnetlink_log group 0: %s", strerror(errno));
		return -1;
	}
	/* Conntrack ids join hops across hooks, but need the kernel's
	 * nfnetlink glue (CONFIG_NETFILTER_NETLINK_GLUE_CT): else EOPNOTSUPP,
	 * and sequence numbers alone. */
	if (nflog_config(s, AF_UNSPEC, 0, NFULA_CFG_FLAGS, &flags, sizeof(flags)) < 0) {
		flags = htons(NFULNL_CFG_F_SEQ);
		(void)nflog_config(s, AF_UNSPEC, 0, NFULA_CFG_FLAGS, &flags, sizeof(flags));
	}
	return 0;
}

static void unbind_group0(struct nlsock *s)
{
	struct nfulnl_msg_config_cmd cmd = { .command = NFULNL_CFG_CMD_UNBIND };

	/* Harmless if it fails: closing the socket unbinds too. */
	(void)nflog_config(s, AF_UNSPEC, 0, NFULA_CFG_CMD, &cmd, sizeof(cmd));
}

/* ---- session ---------------------------------------------------------------------- */

static void pfs_init(struct trace_nflog *t, uint8_t nfproto)
{
	size_t i;

	t->pfs[0].pf = NFPROTO_IPV4;
	t->pfs[1].pf = NFPROTO_IPV6;
	for (i = 0; i < ARRAY_SIZE(t->pfs); i++) {
		struct nflog_pf *p = &t->pfs[i];

		if (nfproto && nfproto != p->pf)
			continue;
		p->present = logger_get(p->pf, p->saved, sizeof(p->saved)) == 0;
	}
}

char *collect_nflog_plan(uint8_t nfproto)
{
	struct trace_nflog t;
	struct strbuf sb;
	const char *was = NULL;
	size_t i;
	bool any = false;

	memset(&t, 0, sizeof(t));
	pfs_init(&t, nfproto);
	strbuf_init(&sb);
	strbuf_add(&sb, "Tracing legacy rules changes this network namespace while iptop traces:\n");
	for (i = 0; i < ARRAY_SIZE(t.pfs); i++) {
		const struct nflog_pf *p = &t.pfs[i];

		if (!p->present)
			continue;
		any = true;
		if (strcmp(p->saved, NFLOG_NETLINK) == 0) {
			strbuf_addf(&sb, "  net.netfilter.nf_log.%u (%s) is nfnetlink_log already: unchanged\n", p->pf,
				    pf_label(p->pf));
		} else {
			strbuf_addf(&sb, "  net.netfilter.nf_log.%u (%s): %s -> nfnetlink_log\n", p->pf,
				    pf_label(p->pf), p->saved);
			if (!was)
				was = logger_meaning(p->saved);
		}
	}
	if (!any) {
		strbuf_reset(&sb);
		strbuf_add(&sb, "--trace-legacy is not possible here: /proc/sys/net/netfilter/nf_log/ is missing\n");
		return strbuf_steal(&sb);
	}
	if (was)
		strbuf_addf(&sb, "  Meanwhile what the kernel logs through these bindings (the TRACE lines of\n"
				 "  legacy rules, conntrack's invalid-packet messages) goes to iptop, not to\n"
				 "  %s; -j LOG and -j NFLOG rules are not affected.\n", was);
	strbuf_add(&sb, "  iptop takes nfnetlink_log group 0 (ulogd must not be using it here).\n"
			"  The old values come back when the trace stops (x in the dashboard) or iptop\n"
			"  exits (q, Ctrl-C, SIGTERM, SIGHUP), or after a crash or SIGKILL when iptop\n"
			"  next starts here (" STATE_DIR "/).\n");
	return strbuf_steal(&sb);
}

struct trace_nflog *collect_nflog_start(struct nlsock *sock, uint8_t nfproto, char **cause)
{
	struct trace_nflog *t = xcalloc(1, sizeof(*t));
	unsigned long long ino;
	struct strbuf note;
	size_t i;
	bool any = false;

	*cause = NULL;
	t->sock = sock;
	t->lock_fd = -1;
	strbuf_init(&note);
	pfs_init(t, nfproto);
	for (i = 0; i < ARRAY_SIZE(t->pfs); i++)
		any |= t->pfs[i].present;
	if (!any) {
		*cause = xstrdup("legacy tracing unavailable on this kernel: no "
				 "/proc/sys/net/netfilter/nf_log/ (netfilter logging)");
		goto fail;
	}

	/* The lock first: one legacy tracer per namespace. */
	t->path = state_path(&ino);
	if (mkdir(STATE_DIR, 0700) < 0 && errno != EEXIST) {
		*cause = xasprintf("cannot create " STATE_DIR " for the nf_log state: %s", strerror(errno));
		goto fail;
	}
	t->lock_fd = open(t->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (t->lock_fd < 0) {
		*cause = xasprintf("cannot open %s: %s", t->path, strerror(errno));
		goto fail;
	}
	if (flock(t->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		struct saved_state ss;

		state_parse(t->lock_fd, &ss);
		*cause = xasprintf("legacy tracing is already running in this network namespace (iptop pid %ld)",
				   ss.pid);
		close(t->lock_fd);
		t->lock_fd = -1;
		goto fail;
	}
	/* A dead session's leftovers: put them back before saving anew. */
	if (restore_saved(t->lock_fd, ino, &note) < 0) {
		*cause = xasprintf("%s", note.s);
		goto fail_keep;
	}
	pfs_init(t, nfproto);
	for (i = 0; i < ARRAY_SIZE(t->pfs); i++)
		if (t->pfs[i].present)
			snprintf(t->bindings + strlen(t->bindings), sizeof(t->bindings) - strlen(t->bindings),
				 "%snf_log.%u", t->bindings[0] ? ", " : "", t->pfs[i].pf);

	if (bind_group0(sock, cause) < 0)
		goto fail_unlock;
	if (state_write(t->lock_fd, t, ino) < 0) {
		*cause = xasprintf("cannot write %s: %s", t->path, strerror(errno));
		goto fail_unbind;
	}
	for (i = 0; i < ARRAY_SIZE(t->pfs); i++) {
		struct nflog_pf *p = &t->pfs[i];

		if (!p->present || strcmp(p->saved, NFLOG_NETLINK) == 0)
			continue;
		if (logger_set(p->pf, NFLOG_NETLINK) < 0) {
			int e = errno;

			if (e == EPERM || e == EACCES)
				*cause = xasprintf("tracing legacy rules needs CAP_NET_ADMIN: cannot set "
						   "net.netfilter.nf_log.%u: %s (run as root)", p->pf, strerror(e));
			else
				*cause = xasprintf("cannot set net.netfilter.nf_log.%u to nfnetlink_log: %s", p->pf,
						   strerror(e));
			goto fail_restore;
		}
		p->changed = true;
		strbuf_addf(&note, "%snet.netfilter.nf_log.%u (%s) set from %s to nfnetlink_log until the trace stops",
			    note.len ? "\n" : "", p->pf, pf_label(p->pf), p->saved);
	}
	t->notice = note.len ? strbuf_steal(&note) : NULL;
	strbuf_free(&note);
	return t;

fail_restore:
	for (i = 0; i < ARRAY_SIZE(t->pfs); i++)
		if (t->pfs[i].changed)
			(void)logger_set(t->pfs[i].pf, t->pfs[i].saved);
fail_unbind:
	unbind_group0(sock);
fail_unlock:
	unlink(t->path);
fail_keep:
	close(t->lock_fd);
fail:
	strbuf_free(&note);
	free(t->path);
	free(t);
	return NULL;
}

const char *collect_nflog_notice(const struct trace_nflog *t)
{
	return t ? t->notice : NULL;
}

const char *collect_nflog_bindings(const struct trace_nflog *t)
{
	return t ? t->bindings : NULL;
}

void collect_nflog_stop(struct trace_nflog *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < ARRAY_SIZE(t->pfs); i++) {
		struct nflog_pf *p = &t->pfs[i];
		char cur[NAME_MAX_LOGGER];

		if (!p->changed)
			continue;
		/* Changed meanwhile by someone else: theirs now. */
		if (logger_get(p->pf, cur, sizeof(cur)) == 0 && strcmp(cur, NFLOG_NETLINK) != 0)
			continue;
		(void)logger_set(p->pf, p->saved);
	}
	unbind_group0(t->sock);
	if (t->lock_fd >= 0) {
		unlink(t->path);
		close(t->lock_fd);
	}
	free(t->path);
	free(t->notice);
	free(t);
}
