/*
 * nl.h - netlink sockets and request/dump plumbing on libmnl. Knows bytes
 * and errno, not rulesets: parsing lives in the collectors, which read the
 * byte buffers filled here (or replayed from a recording).
 */
#ifndef NL_H
#define NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

/* libmnl 1.0.4 (Debian 12) lacks MNL_SOCKET_DUMP_SIZE; the kernel caps a
 * dump skb at 32 KiB. */
#define NLSOCK_DUMP_SIZE 32768

/* Concatenated netlink messages as the kernel sent them (NLMSG_DONE and
 * ACKs stripped). */
struct nlbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
};
void nlbuf_reset(struct nlbuf *b);
void nlbuf_append(struct nlbuf *b, const void *p, size_t n);
void nlbuf_free(struct nlbuf *b);

struct nlsock;

/* Open a socket on bus (NETLINK_NETFILTER, NETLINK_ROUTE). Returns NULL
 * with errno set. */
struct nlsock *nlsock_open(int bus);
void nlsock_close(struct nlsock *s);
int nlsock_fd(const struct nlsock *s);
unsigned int nlsock_portid(const struct nlsock *s);
/* Join a multicast group (bind-time group numbers, 1-based). -1/errno. */
int nlsock_join(struct nlsock *s, unsigned int group);
/* Set receive buffer, forcing past rmem_max when allowed. */
void nlsock_set_rcvbuf(struct nlsock *s, int bytes);
uint32_t nlsock_next_seq(struct nlsock *s);

/*
 * Send req (nlmsg_seq is filled in) and read every reply up to NLMSG_DONE
 * (for dumps) or the ACK / single answer (for NLM_F_ACK requests or plain
 * GETs: set single=1 to stop after the first non-error message). Replies
 * are appended to out. Returns 0, or -1 with errno:
 *   EINTR  the kernel flagged the dump NLM_F_DUMP_INTR (the rest was
 *          drained: the socket is ready for the next request), retry;
 *   EPERM, ENOENT, EINVAL, EOPNOTSUPP, ... from an NLMSG_ERROR.
 */
int nlsock_request(struct nlsock *s, struct nlmsghdr *req, int single, struct nlbuf *out);

/*
 * The same for a dump read as it comes: scratch holds one recv()'s
 * messages at a time (at most 32 KiB, however long the dump), and fn
 * reads each batch. A 10,000-rule chain is 6 MB of messages that need not
 * sit in memory at once. When fn returns -1 the rest of the dump is read
 * and dropped, and the call fails with errno ECANCELED, unless the kernel
 * reported something first (EINTR: the dump was interrupted; the caller
 * retries and throws away what fn made of it).
 */
int nlsock_request_each(struct nlsock *s, struct nlmsghdr *req, struct nlbuf *scratch,
			int (*fn)(const struct nlbuf *part, void *arg), void *arg);

/* Walk the messages of a buffer: for (nlh = first; nlh; nlh = next). */
const struct nlmsghdr *nlbuf_first(const struct nlbuf *b);
const struct nlmsghdr *nlbuf_next(const struct nlbuf *b, const struct nlmsghdr *nlh);

/* Enter a network namespace by name (/run/netns/NAME) or path. On failure
 * returns -1 and sets *cause to an allocated message. */
int nlsock_enter_netns(const char *name_or_path, char **cause);
/* "net:[4026531840]" for the current namespace, plus " (NAME)" if given. */
char *nlsock_netns_label(const char *name);
/* Is the namespace we entered by this name (or path) still reachable by
 * it? 0 yes, NLSOCK_NETNS_DELETED the name is gone (ip netns del),
 * NLSOCK_NETNS_REPLACED it names another namespace now. One stat(). */
enum { NLSOCK_NETNS_DELETED = 1, NLSOCK_NETNS_REPLACED = 2 };
int nlsock_netns_gone(const char *name_or_path);

/*
 * An nf_tables transaction (nlbatch.c): nlbatch_init(), then for each
 * message nlbatch_msg() (the header; fill the payload), nlbatch_next();
 * nlbatch_send() sends it whole and waits for every ACK: 0, or -1 with
 * errno and *what naming the message that failed. nlbatch_free() after.
 */
struct mnl_nlmsg_batch;
struct nlbatch {
	char *buf;
	size_t size;
	struct mnl_nlmsg_batch *b;
	uint32_t seq0, seq;
	int nack;                 /* messages that will be ACKed */
	const char *what[32];     /* what each acked message does, by seq - seq0 */
};
void nlbatch_init(struct nlbatch *bt, struct nlsock *s);
struct nlmsghdr *nlbatch_msg(struct nlbatch *bt, uint16_t type, uint16_t family, uint16_t flags,
			     const char *what);
void nlbatch_next(struct nlbatch *bt);
int nlbatch_send(struct nlbatch *bt, struct nlsock *s, const char **what);
void nlbatch_free(struct nlbatch *bt);
/* Is table inet NAME there? 1 yes, owned by some socket (NFT_TABLE_F_OWNER:
 * another iptop's), 2 yes and not owned, 0 no (or unreadable). */
int nlbatch_table_state(struct nlsock *s, const char *name);
/* Expressions for iptop's own rules: meta KEY into register 1, and a
 * compare of register 1 with data (equal, or not with neq). */
struct nftnl_rule;
void nlbatch_add_meta(struct nftnl_rule *r, uint32_t key);
void nlbatch_add_cmp(struct nftnl_rule *r, bool neq, const void *data, uint32_t len);

/* (nl-ipset.c) The name of ipset index in this thread's namespace, into
 * buf. 0, or -1 with errno: ENOENT no set there, EPERM without
 * CAP_NET_ADMIN, ENOPROTOOPT no ipset in the kernel. */
int nlipset_name(uint16_t index, char *buf, size_t len);
/* Those names cached: one lookup per index until cleared (the live feed
 * clears it each snapshot; a set's name cannot change while a rule
 * references it, the kernel refuses the rename). */
struct nlipset_cache;
struct nlipset_cache *nlipset_cache_new(void);
void nlipset_cache_free(struct nlipset_cache *c);
void nlipset_cache_clear(struct nlipset_cache *c);
/* The name, or NULL when the kernel could not give one. */
const char *nlipset_cache_name(struct nlipset_cache *c, uint16_t index);

#endif
