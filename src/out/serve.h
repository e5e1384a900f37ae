/*
 * serve.h - iptop --serve: a small HTTP server for Prometheus. /metrics is
 * read fresh at every scrape from one or more network namespaces (one
 * reading thread per namespace, each inside its namespace); / is a short
 * HTML page. One poll loop serves every client; a slow client holds only
 * its own response. See doc/metrics.md.
 */
#ifndef SERVE_H
#define SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "metrics.h"

#define SERVE_DEFAULT_PORT 9617
#define SERVE_DEFAULT_ADDR "127.0.0.1"

struct serve_opts {
	const char *listen;          /* "[ADDR:]PORT" (ADDR default 127.0.0.1; [v6]:PORT) */
	const char *const *netns;    /* namespaces to read: names or paths; NULL: iptop's own */
	size_t nnetns;               /* 0: iptop's own namespace */
	bool all_netns;              /* also every /run/netns/NAME at start-up */
	enum metrics_rules rules;
	bool flows;                  /* conntrack entries by state and protocol */
	bool observe;                /* --observe: iptop's hook counting table in each namespace */
	int max_conns;               /* concurrent clients (0: 16); more get 503 */
	int timeout_ms;              /* request header must arrive within this; a response
	                              * the client stops reading is dropped after it (0: 10 s) */
	size_t max_request;          /* bytes of request line + headers (0: 8192) */
};

/* Parse "[ADDR:]PORT" into an address to bind. 0, or -1 with *cause. */
int serve_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, char **cause);
/* Serve until SIGINT/SIGTERM: 0, or 1 with *cause when it could not
 * start (address in use, a namespace that cannot be entered). Keeps only
 * CAP_NET_ADMIN and CAP_NET_RAW in the reading threads, none in the
 * serving one, once everything is open. Says where it listens on log. */
int serve_run(const struct serve_opts *o, FILE *log, char **cause);

#endif
