/*
 * nl.c - netlink sockets on libmnl: open, join groups, send one request and
 * collect every reply into a byte buffer, with NLM_F_DUMP_INTR detection
 * (the rest of an interrupted dump is drained so the socket stays usable).
 * Also entering a network namespace. Does not parse any payload.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "iptop.h"
#include "nl.h"

struct nlsock {
	struct mnl_socket *mnl;
	unsigned int portid;
	uint32_t seq;
	uint8_t *rbuf;
	size_t rsize;
};

void nlbuf_reset(struct nlbuf *b)
{
	b->len = 0;
}

void nlbuf_append(struct nlbuf *b, const void *p, size_t n)
{
	if (n == 0)
		return; /* an empty frame: nothing to copy, and data may be NULL */
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void nlbuf_free(struct nlbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Not mnl_nlmsg_ok(): libmnl 1.0.4 compares (int)nlmsg_len <= len, so a
 * length of 2 GiB or more (a corrupt recording) passes, and the walk reads
 * far past the buffer or loops on a length that aligns to 0. */
static bool msg_fits(const struct nlmsghdr *nlh, size_t left)
{
	return left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= left;
}

const struct nlmsghdr *nlbuf_first(const struct nlbuf *b)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->data;

	if (!b->data || !msg_fits(nlh, b->len))
		return NULL;
	return nlh;
}

const struct nlmsghdr *nlbuf_next(const struct nlbuf *b, const struct nlmsghdr *nlh)
{
	size_t left = b->len - (size_t)((const uint8_t *)nlh - b->data);
	size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

	if (step >= left)
		return NULL;
	nlh = (const struct nlmsghdr *)((const uint8_t *)nlh + step);
	return msg_fits(nlh, left - step) ? nlh : NULL;
}

struct nlsock *nlsock_open(int bus)
{
	struct nlsock *s;
	struct mnl_socket *mnl;
	int saved;

	mnl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!mnl)
		return NULL;
	if (mnl_socket_bind(mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		saved = errno;
		mnl_socket_close(mnl);
		errno = saved;
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->mnl = mnl;
	s->portid = mnl_socket_get_portid(mnl);
	s->seq = (uint32_t)time_mono_ns();
	s->rsize = NLSOCK_DUMP_SIZE * 2;
	s->rbuf = xmalloc(s->rsize);
	return s;
}

void nlsock_close(struct nlsock *s)
{
	if (!s)
		return;
	mnl_socket_close(s->mnl);
	free(s->rbuf);
	free(s);
}

int nlsock_fd(const struct nlsock *s)
{
	return mnl_socket_get_fd(s->mnl);
}

unsigned int nlsock_portid(const struct nlsock *s)
{
	return s->portid;
}

int nlsock_join(struct nlsock *s, unsigned int group)
{
	int g = (int)group;

	return mnl_socket_setsockopt(s->mnl, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g));
}

void nlsock_set_rcvbuf(struct nlsock *s, int bytes)
{
	int fd = nlsock_fd(s);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

uint32_t nlsock_next_seq(struct nlsock *s)
{
	return ++s->seq;
}

/* nlsock_request and nlsock_request_each: with fn, out holds one recv()'s
 * messages at a time and fn reads them; after fn fails, the replies are
 * still read to their end (the socket stays ready) but not passed on. */
static int request(struct nlsock *s, struct nlmsghdr *req, int single, struct nlbuf *out,
		   int (*fn)(const struct nlbuf *part, void *arg), void *arg)
{
	uint32_t seq = nlsock_next_seq(s);
	int want_ack = (req->nlmsg_flags & NLM_F_ACK) != 0;
	int is_dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	int intr = 0, err = 0, fn_failed = 0;

	req->nlmsg_seq = seq;
	if (mnl_socket_sendto(s->mnl, req, req->nlmsg_len) < 0)
		return -1;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, s->rbuf, s->rsize);
		const struct nlmsghdr *nlh;
		int left, stop = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (fn)
			nlbuf_reset(out);
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)s->rbuf; !stop && mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != s->portid)
				continue; /* a stale reply from an earlier request */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				stop = 1;
			} else if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				/* An error ends a dump; an ACK (0) ends a request. */
				err = nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)) ? EBADMSG : -e->error;
				stop = 1;
			} else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
				nlbuf_append(out, nlh, NLMSG_ALIGN(nlh->nlmsg_len));
				if (!is_dump && single && !want_ack && !(nlh->nlmsg_flags & NLM_F_MULTI))
					stop = 1;
			}
		}
		if (fn && !fn_failed && out->len && fn(out, arg) < 0)
			fn_failed = 1;
		if (stop)
			break;
	}
	if (err) {
		errno = err;
		return -1;
	}
	if (intr) {
		errno = EINTR;
		return -1;
	}
	if (fn_failed) {
		errno = ECANCELED;
		return -1;
	}
	return 0;
}

int nlsock_request(struct nlsock *s, struct nlmsghdr *req, int single, struct nlbuf *out)
{
	return request(s, req, single, out, NULL, NULL);
}

int nlsock_request_each(struct nlsock *s, struct nlmsghdr *req, struct nlbuf *scratch,
			int (*fn)(const struct nlbuf *part, void *arg), void *arg)
{
	return request(s, req, 0, scratch, fn, arg);
}

/* The file that names a namespace: a path as given, a bare name under
 * /run/netns (where `ip netns add` mounts it). */
static char *netns_path(const char *name)
{
	return strchr(name, '/') ? xstrdup(name) : xasprintf("/run/netns/%s", name);
}

int nlsock_enter_netns(const char *name, char **cause)
{
	struct stat st;
	char *path = netns_path(name);
	int fd;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* a FIFO would block open() for good: refuse it unopened */
		*cause = xasprintf("%s is not a network namespace (not a regular file)", path);
		free(path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			*cause = xasprintf("no such network namespace: %s (%s does not exist; see `ip netns list`)",
					   name, path);
		else
			*cause = xasprintf("cannot open network namespace %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		if (e == EPERM)
			*cause = xasprintf("cannot enter network namespace %s: "
					   "Operation not permitted (needs CAP_SYS_ADMIN; run as root)", path);
		else if (e == EINVAL)
			*cause = xasprintf("%s is not a network namespace", path);
		else
			*cause = xasprintf("cannot enter network namespace %s: %s", path, strerror(e));
		close(fd);
		free(path);
		return -1;
	}
	close(fd);
	free(path);
	return 0;
}

char *nlsock_netns_label(const char *name)
{
	char link[128];
	ssize_t n = readlink("/proc/self/ns/net", link, sizeof(link) - 1);

	if (n < 0)
		snprintf(link, sizeof(link), "net:[?]");
	else
		link[n] = '\0';
	if (name && *name)
		return xasprintf("%s (%s)", link, name);
	{
		char root[128];
		ssize_t m = readlink("/proc/1/ns/net", root, sizeof(root) - 1);

		if (m > 0) {
			root[m] = '\0';
			if (strcmp(root, link) == 0)
				return xasprintf("%s (host)", link);
		}
	}
	return xstrdup(link);
}

int nlsock_netns_gone(const char *name)
{
	struct stat named, self;
	char *path;
	int r;

	if (!name || !*name || stat("/proc/self/ns/net", &self) < 0)
		return 0;
	path = netns_path(name);
	/* `ip netns del` unmounts and removes the file; a new namespace of
	 * the same name is another inode. Either way ours lives on (iptop is
	 * in it) but nobody can reach it by that name any more. */
	if (stat(path, &named) < 0)
		r = errno == ENOENT ? NLSOCK_NETNS_DELETED : 0;
	else if (named.st_dev != self.st_dev || named.st_ino != self.st_ino)
		r = NLSOCK_NETNS_REPLACED;
	else
		r = 0;
	free(path);
	return r;
}
