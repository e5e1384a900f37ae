/*
 * route.h - the kernel's routing decision for one address (RTM_GETROUTE on
 * NETLINK_ROUTE, like `ip route get`), to show which hook path a flow
 * takes: local destination → INPUT, unicast with an input interface →
 * FORWARD, without → OUTPUT. Needs no privilege. Knows no conntrack (see
 * conntrack_text_route() in conntrack-text.h for flows) and no screen.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

enum route_path {
	ROUTE_PATH_NONE,     /* no route (unreachable, prohibit, blackhole...) */
	ROUTE_PATH_INPUT,    /* PREROUTING -> INPUT */
	ROUTE_PATH_FORWARD,  /* PREROUTING -> FORWARD -> POSTROUTING */
	ROUTE_PATH_OUTPUT,   /* OUTPUT -> POSTROUTING */
};

struct route_query {
	uint8_t family;      /* AF_INET or AF_INET6 */
	uint8_t dst[16];     /* network order; IPv4 in the first 4 bytes */
	bool has_src;
	uint8_t src[16];
	int iif;             /* input ifindex: models a received packet (0: none) */
	bool has_mark;
	uint32_t mark;       /* fwmark, for policy routing */
};

struct route_result {
	int error;               /* 0, or errno from the kernel (ENETUNREACH...) */
	uint8_t rtm_type;        /* RTN_LOCAL, RTN_UNICAST, ... */
	enum route_path path;
	uint8_t family;
	int oif;                 /* output ifindex, 0 if none */
	char oif_name[IF_NAMESIZE];  /* "" if none */
	int iif;                 /* the input interface the query used, 0 none */
	char iif_name[IF_NAMESIZE];
	bool has_gateway;
	uint8_t gateway[16];
	bool has_prefsrc;
	uint8_t prefsrc[16];
	uint32_t table;          /* RT_TABLE_MAIN = 254 ... */
};

struct nlroute;

/* Open a NETLINK_ROUTE socket. NULL with errno set. */
struct nlroute *nlroute_open(void);
void nlroute_close(struct nlroute *r);
/* Ask the kernel. 0, or -1 with errno (also in res->error). */
int nlroute_get(struct nlroute *r, const struct route_query *q, struct route_result *res);
/* Parse an RTM_NEWROUTE reply (pure; for tests and replays): interface
 * names are left empty (they belong to the netns that answered). */
int nlroute_parse(const void *buf, size_t len, struct route_result *res);
/* "INPUT", "FORWARD", "OUTPUT", "none" */
const char *nlroute_path_name(enum route_path p);
/* "local", "unicast", "unreachable", ... */
const char *nlroute_type_name(uint8_t rtm_type);

#endif
