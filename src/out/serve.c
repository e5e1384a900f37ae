/*
 * serve.c - iptop --serve: the HTTP side of the Prometheus exporter.
 *
 * One poll loop (this thread) owns the listening socket and every client.
 * Each namespace has a reading thread that entered it at start-up and
 * holds its collectors (metrics-source.c): a scrape sends each of them a
 * request over a pipe, and the results come back the same way while the
 * loop goes on serving others. The response is written by metrics.c a
 * chunk at a time as the client's socket takes it, so a slow client holds
 * its own snapshot and nothing else, and no body is ever whole in memory.
 * Results are handed back to their thread to be freed: rule text is
 * shared across snapshots with plain reference counts.
 *
 * Safe to leave running: 127.0.0.1 unless told otherwise; GET and HEAD on
 * / and /metrics only (405, 404 otherwise); the request line and headers
 * are bounded in size (431) and in time (408); a response the client
 * stops reading is dropped after the same time; at most max_conns clients
 * (503 beyond). Requests carry no body here: anything after the headers
 * is drained and ignored. Once open, the reading threads keep only
 * CAP_NET_ADMIN and CAP_NET_RAW and this one keeps none.
 *
 * Not here: metric names and formatting (metrics.c), reading the kernel
 * (metrics-source.c and the collectors).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "iptop.h"
#include "metrics.h"
#include "serve.h"

#define CHUNK_BYTES 32768
#define DRAIN_MS 1000

/* ---- capabilities ----------------------------------------------------------- */

/* Keep only the capabilities in keep (a mask of CAP_*) in this thread:
 * effective and permitted, nothing inheritable or ambient, and the
 * bounding set cut down too when we may. capset() and the bounding set are
 * per thread, so each thread calls this for itself. */
static int caps_keep(uint64_t keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t perm;
	int c;

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	keep &= perm;
	if (perm & (1ULL << CAP_SETPCAP))
		for (c = 0; c < 64 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
			if (!(keep & (1ULL << c)))
				(void)prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -1;
	/* nothing this process runs may gain privileges back */
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* ---- reading threads ----------------------------------------------------------- */

enum wmsg_kind { W_READ, W_RELEASE, W_QUIT, W_READY, W_RESULT };

/* What goes through the pipes: small, so a write is atomic. */
struct wmsg {
	enum wmsg_kind kind;
	struct metrics_ns *ns;
	void *cookie;
};

struct worker {
	pthread_t thread;
	bool started;
	char *netns;          /* to enter, or NULL */
	char *label;
	bool flows;
	bool observe;
	int req[2];           /* loop -> thread */
	int rep[2];           /* thread -> loop */
	char *error;          /* could not open (set before W_READY) */
};

static void wsend(int fd, enum wmsg_kind kind, struct metrics_ns *ns, void *cookie)
{
	struct wmsg m = { kind, ns, cookie };
	ssize_t n;

	do
		n = write(fd, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct metrics_source *src = metrics_source_open(w->netns, w->label, w->flows, w->observe, &w->error);
	bool run = true;

	if (src && caps_keep(1ULL << CAP_NET_ADMIN | 1ULL << CAP_NET_RAW) < 0 && !w->error)
		w->error = xasprintf("cannot drop capabilities: %s", strerror(errno));
	wsend(w->rep[1], W_READY, NULL, NULL);
	if (!src || w->error) {
		metrics_source_close(src);
		return NULL;
	}
	while (run) {
		struct pollfd p[2] = { { w->req[0], POLLIN, 0 }, { metrics_source_fd(src), POLLIN, 0 } };
		struct wmsg m;
		ssize_t n;

		if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (p[1].fd >= 0 && (p[1].revents & POLLIN))
			metrics_source_events(src);
		if (!(p[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(w->req[0], &m, sizeof(m));
		if (n != sizeof(m)) {
			run = n < 0 && errno == EINTR;
			continue;
		}
		switch (m.kind) {
		case W_READ:
			wsend(w->rep[1], W_RESULT, metrics_source_read(src), m.cookie);
			break;
		case W_RELEASE:
			metrics_source_release(src, m.ns);
			break;
		default:
			run = false;
			break;
		}
	}
	metrics_source_close(src);
	return NULL;
}

/* ---- clients ------------------------------------------------------------------- */

enum conn_state { C_FREE, C_READ, C_WAIT, C_SEND, C_DRAIN };

struct scrape;

struct conn {
	enum conn_state st;
	int fd;
	char *in;
	size_t inlen;
	uint64_t deadline;     /* monotonic ns; 0: none */
	struct strbuf out;
	size_t off;            /* sent of out */
	bool streaming;        /* the writer has more after out */
	struct scrape *sc;
	struct metrics_writer w;
	enum metrics_format format;
};

/* One /metrics request's results, one per namespace. conn NULL: the
 * client left before they all came (released as they arrive). */
struct scrape {
	struct conn *conn;
	size_t pending;
	struct metrics_ns **ns;
};

struct server {
	const struct serve_opts *o;
	int lfd;
	int sfd;
	struct worker *workers;
	size_t nworkers;
	struct conn *conns;
	size_t nconns;
	char addr_text[INET6_ADDRSTRLEN + 16];
};

static uint64_t deadline_in(int ms)
{
	return time_mono_ns() + (uint64_t)ms * 1000000ULL;
}

static void scrape_release(struct server *s, struct scrape *sc)
{
	size_t i;

	for (i = 0; i < s->nworkers; i++)
		if (sc->ns[i])
			wsend(s->workers[i].req[1], W_RELEASE, sc->ns[i], NULL);
	free(sc->ns);
	free(sc);
}

static void conn_close(struct server *s, struct conn *c)
{
	if (c->sc) {
		if (c->sc->pending)
			c->sc->conn = NULL;   /* freed when the last result comes */
		else
			scrape_release(s, c->sc);
		c->sc = NULL;
	}
	close(c->fd);
	strbuf_free(&c->out);
	free(c->in);
	memset(c, 0, sizeof(*c));
	c->st = C_FREE;
	c->fd = -1;
}

/* Everything is sent: stop writing, read what the client still sends
 * (so closing does not reset the connection under the response), close. */
static void conn_finish(struct server *s, struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
	c->st = C_DRAIN;
	c->deadline = deadline_in(DRAIN_MS);
}

static void conn_respond(struct conn *c, const char *status, const char *type, const char *extra,
			 const char *body, bool head)
{
	strbuf_reset(&c->out);
	c->off = 0;
	strbuf_addf(&c->out, "HTTP/1.1 %s\r\nServer: iptop/%s\r\nConnection: close\r\nCache-Control: no-store\r\n",
		    status, PACKAGE_VERSION);
	if (type)
		strbuf_addf(&c->out, "Content-Type: %s\r\n", type);
	if (extra)
		strbuf_add(&c->out, extra);
	if (body)
		strbuf_addf(&c->out, "Content-Length: %zu\r\n", strlen(body));
	strbuf_add(&c->out, "\r\n");
	if (body && !head)
		strbuf_add(&c->out, body);
	c->st = C_SEND;
}

static void conn_error(struct conn *c, const char *status, const char *extra)
{
	char body[96];

	snprintf(body, sizeof(body), "%s\n", status);
	conn_respond(c, status, "text/plain; charset=utf-8", extra, body, false);
}

static const char index_html[] =
	"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>iptop exporter</title></head>\n"
	"<body><h1>iptop exporter</h1>\n"
	"<p>Firewall rule counters, chains, sets and conntrack, read fresh at each scrape.</p>\n"
	"<p><a href=\"/metrics\">/metrics</a></p>\n</body></html>\n";

/* Value of header name in the request head (NUL-terminated), copied into
 * buf; NULL when absent. */
static const char *header(const char *head, const char *name, char *buf, size_t size)
{
	size_t n = strlen(name);
	const char *p = strchr(head, '\n');

	while (p && *++p) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			size_t len;

			p += n + 1;
			p += strspn(p, " \t");
			len = strcspn(p, "\r\n");
			snprintf(buf, size, "%.*s", (int)len, p);
			return buf;
		}
		p = strchr(p, '\n');
	}
	return NULL;
}

static void start_scrape(struct server *s, struct conn *c)
{
	struct scrape *sc = xcalloc(1, sizeof(*sc));
	size_t i;

	sc->conn = c;
	sc->pending = s->nworkers;
	sc->ns = xcalloc(s->nworkers, sizeof(*sc->ns));
	c->sc = sc;
	c->st = C_WAIT;
	c->deadline = 0;
	for (i = 0; i < s->nworkers; i++)
		wsend(s->workers[i].req[1], W_READ, NULL, sc);
}

/* A whole request head is in c->in: answer it. */
static void conn_request(struct server *s, struct conn *c)
{
	char method[16], target[256], version[16], accept[512];
	char *q;
	bool head;

	if (sscanf(c->in, "%15s %255s %15s", method, target, version) != 3 || strncmp(version, "HTTP/1.", 7) != 0) {
		conn_error(c, "400 Bad Request", NULL);
		return;
	}
	head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		conn_error(c, "405 Method Not Allowed", "Allow: GET, HEAD\r\n");
		return;
	}
	q = strchr(target, '?');
	if (q)
		*q = '\0';
	if (strcmp(target, "/") == 0) {
		conn_respond(c, "200 OK", "text/html; charset=utf-8", NULL, index_html, head);
		return;
	}
	if (strcmp(target, "/metrics") != 0) {
		conn_error(c, "404 Not Found", NULL);
		return;
	}
	c->format = metrics_format_accept(header(c->in, "Accept", accept, sizeof(accept)));
	if (head) {
		conn_respond(c, "200 OK", metrics_content_type(c->format), NULL, NULL, true);
		return;
	}
	start_scrape(s, c);
}

/* Every namespace has answered: the response starts. */
static void scrape_ready(struct server *s, struct scrape *sc)
{
	struct conn *c = sc->conn;

	if (!c) {
		scrape_release(s, sc);
		return;
	}
	conn_respond(c, "200 OK", metrics_content_type(c->format), NULL, NULL, false);
	metrics_writer_init(&c->w, c->format, s->o->rules, sc->ns, s->nworkers);
	c->streaming = true;
	c->deadline = deadline_in(s->o->timeout_ms);
}

static void conn_read(struct server *s, struct conn *c)
{
	size_t max = s->o->max_request;
	ssize_t n;

	if (c->st == C_DRAIN) {
		char junk[4096];

		n = recv(c->fd, junk, sizeof(junk), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			conn_close(s, c);
		return;
	}
	n = recv(c->fd, c->in + c->inlen, max - c->inlen, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(s, c);
		return;
	}
	if (n < 0)
		return;
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	if (strstr(c->in, "\r\n\r\n") || strstr(c->in, "\n\n"))
		conn_request(s, c);
	else if (c->inlen >= max)
		conn_error(c, "431 Request Header Fields Too Large", NULL);
	else if (memchr(c->in, '\0', c->inlen))
		conn_error(c, "400 Bad Request", NULL);
	if (c->st == C_SEND)
		c->deadline = deadline_in(s->o->timeout_ms);
}

static void conn_write(struct server *s, struct conn *c)
{
	for (;;) {
		ssize_t n;

		if (c->off == c->out.len) {
			strbuf_reset(&c->out);
			c->off = 0;
			if (c->streaming)
				c->streaming = metrics_writer_next(&c->w, &c->out, CHUNK_BYTES);
			if (c->out.len == 0) {
				conn_finish(s, c);
				return;
			}
		}
		n = send(c->fd, c->out.s + c->off, c->out.len - c->off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			conn_close(s, c);
			return;
		}
		c->off += (size_t)n;
		/* a client that reads keeps its connection */
		c->deadline = deadline_in(s->o->timeout_ms);
	}
}

static void accept_one(struct server *s)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
				   "Content-Length: 21\r\n\r\ntoo many connections\n";
	int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	size_t i;

	if (fd < 0)
		return;
	for (i = 0; i < s->nconns && s->conns[i].st != C_FREE; i++)
		;
	if (i == s->nconns) {
		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	s->conns[i].st = C_READ;
	s->conns[i].fd = fd;
	s->conns[i].in = xmalloc(s->o->max_request + 1);
	s->conns[i].inlen = 0;
	strbuf_init(&s->conns[i].out);
	s->conns[i].deadline = deadline_in(s->o->timeout_ms);
}

static void worker_reply(struct server *s, size_t wi)
{
	struct wmsg m;
	struct scrape *sc;

	if (read(s->workers[wi].rep[0], &m, sizeof(m)) != sizeof(m) || m.kind != W_RESULT)
		return;
	sc = m.cookie;
	sc->ns[wi] = m.ns;
	if (--sc->pending == 0)
		scrape_ready(s, sc);
}

/* Clients past their deadline: 408 while the request is incomplete,
 * dropped while a response waits on them. */
static void expire(struct server *s)
{
	uint64_t now = time_mono_ns();
	size_t i;

	for (i = 0; i < s->nconns; i++) {
		struct conn *c = &s->conns[i];

		if (c->st == C_FREE || !c->deadline || c->deadline > now)
			continue;
		if (c->st == C_READ) {
			conn_error(c, "408 Request Timeout", NULL);
			c->deadline = deadline_in(s->o->timeout_ms);
			conn_write(s, c);
		} else {
			conn_close(s, c);
		}
	}
}

static int poll_timeout(const struct server *s)
{
	uint64_t now = time_mono_ns(), next = 0;
	size_t i;

	for (i = 0; i < s->nconns; i++)
		if (s->conns[i].st != C_FREE && s->conns[i].deadline && (!next || s->conns[i].deadline < next))
			next = s->conns[i].deadline;
	if (!next)
		return -1;
	return next <= now ? 0 : (int)((next - now) / 1000000ULL) + 1;
}

static int loop(struct server *s)
{
	size_t nfds = 2 + s->nworkers + s->nconns, i;
	struct pollfd *p = xcalloc(nfds, sizeof(*p));
	bool run = true;

	while (run) {
		size_t k = 0;

		p[k++] = (struct pollfd){ s->sfd, POLLIN, 0 };
		p[k++] = (struct pollfd){ s->lfd, POLLIN, 0 };
		for (i = 0; i < s->nworkers; i++)
			p[k++] = (struct pollfd){ s->workers[i].rep[0], POLLIN, 0 };
		for (i = 0; i < s->nconns; i++) {
			const struct conn *c = &s->conns[i];
			short ev = c->st == C_READ || c->st == C_DRAIN ? POLLIN : c->st == C_SEND ? POLLOUT : 0;

			p[k++] = (struct pollfd){ c->st == C_FREE || !ev ? -1 : c->fd, ev, 0 };
		}
		if (poll(p, nfds, poll_timeout(s)) < 0) {
			if (errno == EINTR)
				continue;
			free(p);
			return -1;
		}
		if (p[0].revents & POLLIN)
			run = false;
		if (p[1].revents & POLLIN)
			accept_one(s);
		for (i = 0; i < s->nworkers; i++)
			if (p[2 + i].revents & POLLIN)
				worker_reply(s, i);
		for (i = 0; i < s->nconns; i++) {
			struct conn *c = &s->conns[i];
			short re = p[2 + s->nworkers + i].revents;

			if (c->st == C_FREE || !re)
				continue;
			if (re & POLLIN)
				conn_read(s, c);
			if (c->st == C_SEND && (re & (POLLOUT | POLLERR | POLLHUP)))
				conn_write(s, c);
			else if (c->st != C_FREE && (re & (POLLERR | POLLNVAL)))
				conn_close(s, c);
		}
		/* answers made while reading go out now, without a round */
		for (i = 0; i < s->nconns; i++)
			if (s->conns[i].st == C_SEND && s->conns[i].off == 0 && !s->conns[i].streaming)
				conn_write(s, &s->conns[i]);
		expire(s);
	}
	free(p);
	return 0;
}

/* ---- start and stop -------------------------------------------------------------- */

int serve_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char **cause)
{
	struct addrinfo hints, *res = NULL;
	const char *colon = strrchr(spec, ':');
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = spec;
	char *end;
	long pn;
	int r;

	snprintf(host, sizeof(host), "%s", SERVE_DEFAULT_ADDR);
	if (colon) {
		size_t hl = (size_t)(colon - spec);

		if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
			spec++;
			hl -= 2;
		}
		if (hl == 0 || hl >= sizeof(host)) {
			*cause = xasprintf("invalid address in '%s': give [ADDR:]PORT, e.g. 127.0.0.1:%d", spec,
					   SERVE_DEFAULT_PORT);
			return -1;
		}
		memcpy(host, spec, hl);
		host[hl] = '\0';
		port = colon + 1;
	}
	errno = 0;
	pn = strtol(port, &end, 10);
	if (errno || end == port || *end || pn < 0 || pn > 65535) {
		*cause = xasprintf("invalid port in '%s': give [ADDR:]PORT with PORT from 0 to 65535", spec);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0 || !res) {
		*cause = xasprintf("invalid address '%s': give a numeric IPv4 or [IPv6] address", host);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int open_listener(struct server *s, char **cause)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[INET6_ADDRSTRLEN];
	int one = 1, port;

	if (serve_parse_listen(s->o->listen, &ss, &len, cause) < 0)
		return -1;
	s->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0) {
		*cause = xasprintf("socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, (struct sockaddr *)&ss, len) < 0 || listen(s->lfd, 64) < 0) {
		*cause = xasprintf("cannot listen on %s: %s", s->o->listen, strerror(errno));
		return -1;
	}
	len = sizeof(ss);
	getsockname(s->lfd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		port = ntohs(a->sin6_port);
		snprintf(s->addr_text, sizeof(s->addr_text), "[%s]:%d", host, port);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		port = ntohs(a->sin_port);
		snprintf(s->addr_text, sizeof(s->addr_text), "%s:%d", host, port);
	}
	return 0;
}

static void add_worker(struct server *s, const char *netns)
{
	struct worker *w;

	s->workers = xreallocarray(s->workers, s->nworkers + 1, sizeof(*s->workers));
	w = &s->workers[s->nworkers++];
	memset(w, 0, sizeof(*w));
	w->netns = netns ? xstrdup(netns) : NULL;
	w->label = xstrdup(netns ? netns : "");
	w->req[0] = w->req[1] = w->rep[0] = w->rep[1] = -1;
}

/* The namespaces to read: -N names (or iptop's own), plus with all every
 * /run/netns entry not named already. */
static void plan_workers(struct server *s)
{
	const struct serve_opts *o = s->o;
	size_t i, j;
	DIR *d;
	struct dirent *e;

	if (!o->nnetns)
		add_worker(s, NULL);
	for (i = 0; i < o->nnetns; i++)
		add_worker(s, o->netns[i]);
	if (!o->all_netns || !(d = opendir("/run/netns")))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		for (j = 0; j < s->nworkers; j++)
			if (s->workers[j].netns && strcmp(s->workers[j].netns, e->d_name) == 0)
				break;
		if (j == s->nworkers)
			add_worker(s, e->d_name);
	}
	closedir(d);
}

static int start_workers(struct server *s, char **cause)
{
	size_t i;

	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		w->flows = s->o->flows;
		w->observe = s->o->observe;
		if (pipe2(w->req, O_CLOEXEC) < 0 || pipe2(w->rep, O_CLOEXEC) < 0) {
			*cause = xasprintf("pipe: %s", strerror(errno));
			return -1;
		}
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			*cause = xasprintf("cannot start a thread for %s", w->netns ? w->netns : "this namespace");
			return -1;
		}
		w->started = true;
	}
	/* each thread says it is ready (or why not) before the loop starts */
	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];
		struct wmsg m;

		if (read(w->rep[0], &m, sizeof(m)) != sizeof(m) || m.kind != W_READY) {
			*cause = xasprintf("a reading thread failed to start");
			return -1;
		}
		if (w->error && !*cause)
			*cause = xasprintf("%s", w->error);
	}
	return *cause ? -1 : 0;
}

static void stop_workers(struct server *s)
{
	size_t i;

	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		if (w->started) {
			wsend(w->req[1], W_QUIT, NULL, NULL);
			pthread_join(w->thread, NULL);
		}
		if (w->req[0] >= 0) {
			close(w->req[0]);
			close(w->req[1]);
		}
		if (w->rep[0] >= 0) {
			close(w->rep[0]);
			close(w->rep[1]);
		}
		free(w->netns);
		free(w->label);
		free(w->error);
	}
	free(s->workers);
}

int serve_run(const struct serve_opts *opts, FILE *log, char **cause)
{
	struct serve_opts o = *opts;
	struct server s;
	sigset_t mask;
	size_t i;
	int ret = 1;

	if (!o.max_conns)
		o.max_conns = 16;
	if (!o.timeout_ms)
		o.timeout_ms = 10000;
	if (!o.max_request)
		o.max_request = 8192;
	memset(&s, 0, sizeof(s));
	s.o = &o;
	s.lfd = s.sfd = -1;
	*cause = NULL;
	/* blocked here, so in every thread: only the loop's signalfd sees them */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (open_listener(&s, cause) < 0)
		goto out;
	plan_workers(&s);
	if (start_workers(&s, cause) < 0)
		goto out;
	if (caps_keep(0) < 0) {
		*cause = xasprintf("cannot drop capabilities: %s", strerror(errno));
		goto out;
	}
	s.nconns = (size_t)o.max_conns;
	s.conns = xcalloc(s.nconns, sizeof(*s.conns));
	for (i = 0; i < s.nconns; i++)
		s.conns[i].fd = -1;
	fprintf(log, "iptop: serving http://%s/metrics (%zu namespace%s)\n", s.addr_text, s.nworkers,
		s.nworkers == 1 ? "" : "s");
	fflush(log);
	if (loop(&s) < 0)
		*cause = xasprintf("poll: %s", strerror(errno));
	else
		ret = 0;
	for (i = 0; i < s.nconns; i++)
		if (s.conns[i].st != C_FREE)
			conn_close(&s, &s.conns[i]);
	free(s.conns);
out:
	stop_workers(&s);
	if (s.lfd >= 0)
		close(s.lfd);
	if (s.sfd >= 0)
		close(s.sfd);
	return ret;
}
