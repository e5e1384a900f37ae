/*
 * legacyrec.c - record the iptables-legacy tables of the current network
 * namespace as iptop reads them (collect_legacy_read(): the
 * IPT_SO_GET_INFO + GET_ENTRIES replies of every table /proc lists, IPv4
 * and IPv6), for tests/fixtures/legacy-*.blob. Replay with
 * `tests/legacy-drv -r FILE`.
 *
 * usage: legacyrec FILE     ("-" = stdout)
 *
 * It never opens a table the namespace does not have, so recording
 * changes nothing; with no legacy tables the file is empty.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect-legacy.h"
#include "iptop.h"

int main(int argc, char **argv)
{
	struct snap_ruleset *rs;
	struct nlbuf raw = { NULL, 0, 0 };
	enum src_status st;
	char *cause = NULL;
	FILE *f;
	int ret = 0;

	if (argc != 2 || argv[1][0] == '\0') {
		fprintf(stderr, "usage: legacyrec FILE\n");
		return 2;
	}
	rs = xcalloc(1, sizeof(*rs));
	if (collect_legacy_read(rs, NULL, &raw, &st, &cause) < 0) {
		fprintf(stderr, "legacyrec: %s: %s\n", snapshot_status_name(st), cause);
		free(cause);
		snapshot_ruleset_free(rs);
		nlbuf_free(&raw);
		return 1;
	}
	f = strcmp(argv[1], "-") ? fopen(argv[1], "wb") : stdout;
	if (!f || (raw.len && fwrite(raw.data, 1, raw.len, f) != raw.len) ||
	    (f != stdout ? fclose(f) : fflush(f)) != 0) {
		perror(argv[1]);
		ret = 1;
	}
	fprintf(stderr, "legacyrec: %zu bytes, %zu chains\n", raw.len, rs->nchains);
	snapshot_ruleset_free(rs);
	nlbuf_free(&raw);
	return ret;
}
