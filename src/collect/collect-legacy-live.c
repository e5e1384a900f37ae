/*
 * collect-legacy-live.c - the live half of the iptables-legacy collector:
 * which legacy tables the current network namespace has
 * (/proc/thread-self/net/ip_tables_names, ip6_tables_names), and their
 * blobs through IPT_SO_GET_INFO + IPT_SO_GET_ENTRIES (IP6T_* for IPv6) on
 * a raw socket, as libiptc's iptc_init() does, without libiptc.
 *
 * Kernel quirk that shapes this file: GET_INFO for a table the namespace
 * does not have yet instantiates it from its template (registering its
 * hooks), so only names listed in /proc are ever asked for; iptop never
 * changes the host. The /proc files are mode 0440 for the namespace's
 * root; the socket needs CAP_NET_RAW, the getsockopts CAP_NET_ADMIN.
 * It does not parse blobs (collect-legacy.c) and never writes a table.
 *
 * Quirk two: iptables-legacy commits a change in two steps, SET_REPLACE
 * (the kernel installs the new table with every counter cleared) then
 * SET_ADD_COUNTERS (libiptc puts back what each rule had counted). A read
 * between the two sees a table with no history, and the next read a
 * delta of its whole history. So a table that had counted something in
 * the previous snapshot and now reads all zero is read again, a few times
 * over up to a quarter second, before the zeros are believed (`iptables -Z`
 * also gives all zeros, and then stays so).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "collect-legacy.h"
#include "iptop.h"

#define LEGACY_RETRIES 5
/* Reads of a table that went all zero: 1 + 2 + ... + 128 ms at most. */
#define LEGACY_SETTLE_TRIES 8

#define MSG_EPERM "reading iptables-legacy tables needs CAP_NET_ADMIN and CAP_NET_RAW"
#define MSG_UNAVAILABLE "iptables-legacy unavailable on this kernel"

/* The two getinfo structs are the same; the raw format relies on it. */
_Static_assert(sizeof(struct ipt_getinfo) == sizeof(struct ip6t_getinfo), "getinfo");
_Static_assert(sizeof(struct ipt_get_entries) == sizeof(struct ip6t_get_entries), "get_entries");

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int collect_legacy_table_names(uint8_t family, char ***names, size_t *n)
{
	const char *file = family == NFPROTO_IPV6 ? "ip6_tables_names" : "ip_tables_names";
	char path[64], line[256];
	FILE *f;
	int e;

	*names = NULL;
	*n = 0;
	/* thread-self: the namespace of this thread, even after a setns() in
	 * a thread; /proc/net (= self/net) on kernels before 3.17 */
	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", file);
	f = fopen(path, "re");
	if (!f && errno == ENOENT && access("/proc/thread-self", F_OK) != 0) {
		snprintf(path, sizeof(path), "/proc/net/%s", file);
		f = fopen(path, "re");
	}
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\n");

		line[len] = '\0';
		if (len == 0 || len >= XT_TABLE_MAXNAMELEN)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(line);
	}
	e = ferror(f) ? EIO : 0;
	fclose(f);
	if (e) {
		free_names(*names, *n);
		*names = NULL;
		*n = 0;
		errno = e;
		return -1;
	}
	return 0;
}

/* Every entry of a blob has zero packet and byte counters (a blob that
 * does not walk cleanly is not: the parser reports it). */
static bool blob_uncounted(uint8_t family, const uint8_t *entries, size_t size)
{
	size_t esz = family == NFPROTO_IPV6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry);
	size_t coff = family == NFPROTO_IPV6 ? offsetof(struct ip6t_entry, counters)
					     : offsetof(struct ipt_entry, counters);
	size_t noff = family == NFPROTO_IPV6 ? offsetof(struct ip6t_entry, next_offset)
					     : offsetof(struct ipt_entry, next_offset);
	size_t off = 0;

	while (off < size) {
		struct xt_counters c;
		uint16_t next;

		if (size - off < esz)
			return false;
		memcpy(&c, entries + off + coff, sizeof(c));
		memcpy(&next, entries + off + noff, sizeof(next));
		if (c.pcnt || c.bcnt || next < esz || next > size - off)
			return false;
		off += next;
	}
	return true;
}

/* The legacy table family/name counted something in prev. */
static bool table_counted(const struct snap_ruleset *prev, uint8_t family, const char *name)
{
	size_t i, j;

	for (i = 0; prev && i < prev->nchains; i++) {
		const struct snap_chain *ch = &prev->chains[i];

		if (!ch->legacy || ch->family != family || strcmp(ch->table, name) != 0)
			continue;
		if (ch->policy_packets)
			return true;
		for (j = 0; j < ch->nrules; j++)
			if (ch->rules[j].packets)
				return true;
	}
	return false;
}

/* One table's GET_INFO + GET_ENTRIES, appended to out in the raw format.
 * -1 with errno; EAGAIN after the table changed LEGACY_RETRIES times.
 * counted: the table counted something before (see quirk two above). */
static int read_table(int fd, uint8_t family, const char *name, bool counted, struct nlbuf *out)
{
	int level = family == NFPROTO_IPV6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int opt_info = family == NFPROTO_IPV6 ? IP6T_SO_GET_INFO : IPT_SO_GET_INFO;
	int opt_entries = family == NFPROTO_IPV6 ? IP6T_SO_GET_ENTRIES : IPT_SO_GET_ENTRIES;
	static const uint8_t zeros[8];
	int tries, settle = 0;

	for (tries = 0; tries < LEGACY_RETRIES; tries++) {
		struct collect_legacy_info info;
		struct ipt_getinfo gi;
		struct ipt_get_entries *ge;
		socklen_t sl = sizeof(gi);
		int h;

		memset(&gi, 0, sizeof(gi));
		snprintf(gi.name, sizeof(gi.name), "%s", name);
		if (getsockopt(fd, level, opt_info, &gi, &sl) < 0)
			return -1;
		ge = xcalloc(1, sizeof(*ge) + gi.size);
		snprintf(ge->name, sizeof(ge->name), "%s", name);
		ge->size = gi.size;
		sl = sizeof(*ge) + gi.size;
		if (getsockopt(fd, level, opt_entries, ge, &sl) < 0) {
			int e = errno;

			free(ge);
			if (e == EAGAIN)	/* changed since GET_INFO: ask again */
				continue;
			errno = e;
			return -1;
		}
		if (counted && settle < LEGACY_SETTLE_TRIES &&
		    blob_uncounted(family, (const uint8_t *)ge->entrytable, gi.size)) {
			struct timespec ts = { 0, (1L << settle) * 1000000L };

			free(ge);
			nanosleep(&ts, NULL);	/* a commit between its two steps? */
			settle++;
			tries--;
			continue;
		}
		memset(&info, 0, sizeof(info));
		info.magic = COLLECT_LEGACY_MAGIC;
		info.family = family;
		memcpy(info.name, gi.name, sizeof(info.name));
		info.name[sizeof(info.name) - 1] = '\0';
		info.valid_hooks = gi.valid_hooks;
		for (h = 0; h < COLLECT_LEGACY_NHOOKS; h++) {
			info.hook_entry[h] = gi.hook_entry[h];
			info.underflow[h] = gi.underflow[h];
		}
		info.num_entries = gi.num_entries;
		info.size = gi.size;
		nlbuf_append(out, &info, sizeof(info));
		nlbuf_append(out, ge->entrytable, gi.size);
		nlbuf_append(out, zeros, XT_ALIGN((size_t)gi.size) - gi.size);
		free(ge);
		return 0;
	}
	errno = EAGAIN;
	return -1;
}

/* errno of a socket or getsockopt call to a status and message. */
static enum src_status errno_status(int e, const char *what, char **cause)
{
	switch (e) {
	case EPERM:
	case EACCES:
		*cause = xstrdup(MSG_EPERM);
		return SRC_EPERM;
	case ENOPROTOOPT:
	case EINVAL:
	case EOPNOTSUPP:
	case EPROTONOSUPPORT:
		*cause = xstrdup(MSG_UNAVAILABLE);
		return SRC_UNAVAILABLE;
	case EAGAIN:
		*cause = xasprintf("iptables-legacy %s kept changing while it was read", what);
		return SRC_CHANGING;
	}
	*cause = xasprintf("cannot read iptables-legacy %s: %s", what, strerror(e));
	return SRC_ERROR;
}

/* Read one family's listed tables into buf. 0, 1 when the family has no
 * x_tables here (no /proc file, no IPv6), -1 with *status and *cause. */
static int read_family(uint8_t family, const struct snap_ruleset *prev, struct nlbuf *buf,
		       enum src_status *status, char **cause)
{
	const char *fam = family == NFPROTO_IPV6 ? "ip6" : "ip";
	char **names;
	size_t n, i;
	int fd, ret = 0;

	if (collect_legacy_table_names(family, &names, &n) < 0) {
		if (errno == ENOENT)
			return 1;
		if (errno == EACCES || errno == EPERM) {
			*status = SRC_EPERM;
			*cause = xasprintf(MSG_EPERM " (and root or CAP_DAC_READ_SEARCH to read "
					   "/proc/net/%s_tables_names)", fam);
			return -1;
		}
		*status = SRC_ERROR;
		*cause = xasprintf("cannot read /proc/net/%s_tables_names: %s", fam, strerror(errno));
		return -1;
	}
	if (n == 0)
		return 0;	/* no legacy table: nothing to ask, no privilege needed */
	fd = socket(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC,
		    IPPROTO_RAW);
	if (fd < 0) {
		if (errno == EAFNOSUPPORT) {
			free_names(names, n);
			return 1;
		}
		*status = errno_status(errno, "tables", cause);
		free_names(names, n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (read_table(fd, family, names[i], table_counted(prev, family, names[i]), buf) == 0)
			continue;
		if (errno == ENOENT)
			continue;	/* gone since /proc listed it: never re-create */
		{
			char *what = xasprintf("%s table %s", fam, names[i]);

			*status = errno_status(errno, what, cause);
			free(what);
		}
		ret = -1;
		break;
	}
	close(fd);
	free_names(names, n);
	return ret;
}

int collect_legacy_read(struct snap_ruleset *rs, const struct snap_ruleset *prev, struct nlbuf *raw,
			enum src_status *status, char **cause)
{
	struct nlbuf buf = { NULL, 0, 0 };
	int r4, r6, ret;

	*status = SRC_OK;
	r4 = read_family(NFPROTO_IPV4, prev, &buf, status, cause);
	if (r4 < 0)
		goto fail;
	r6 = read_family(NFPROTO_IPV6, prev, &buf, status, cause);
	if (r6 < 0)
		goto fail;
	if (r4 == 1 && r6 == 1) {
		*status = SRC_UNAVAILABLE;
		*cause = xstrdup(MSG_UNAVAILABLE);
		goto fail;
	}
	if (raw)
		nlbuf_append(raw, buf.data, buf.len);
	ret = collect_legacy_parse(rs, buf.data, buf.len, cause);
	if (ret < 0)
		*status = SRC_ERROR;
	nlbuf_free(&buf);
	return ret;
fail:
	nlbuf_free(&buf);
	return -1;
}
