/*
 * legacy-drv.c - test driver for the iptables-legacy collector until
 * `iptop -b` shows legacy tables: read the current namespace's legacy
 * tables (collect_legacy_read) or replay a recording (collect_legacy_parse)
 * and print them as the iptables-legacy tools would. Not installed.
 *
 * usage: legacy-drv [-r FILE] [-6] [-c | -S TABLE] [-H] [-b]
 *   -r FILE   replay tools/legacyrec's FILE instead of reading the kernel
 *   -6        the IPv6 tables (ip6tables-legacy); default IPv4
 *   -c        `iptables-legacy-save -c` without "#" lines (default: no -c)
 *   -S TABLE  `iptables-legacy -t TABLE -S`
 *   -H        prefix every rule with its synthesized handle (with -S)
 *   -b        also snapshot nf_tables and print "both: yes|no"
 *             (collect_legacy_both) and "legacy: yes|no" first
 * Exit: 0 ok; 2 usage; 3 the collector failed ("legacy-drv: STATUS: CAUSE"
 * on stderr).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "collect-legacy.h"
#include "iptop.h"
#include "legacy-print.h"

int main(int argc, char **argv)
{
	const char *replay = NULL, *table = NULL;
	bool v6 = false, counters = false, handles = false, both = false;
	struct snap_ruleset *rs;
	struct strbuf out;
	char *cause = NULL;
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "r:6cS:Hb")) != -1) {
		switch (opt) {
		case 'r': replay = optarg; break;
		case '6': v6 = true; break;
		case 'c': counters = true; break;
		case 'S': table = optarg; break;
		case 'H': handles = true; break;
		case 'b': both = true; break;
		default:
			fprintf(stderr, "usage: legacy-drv [-r FILE] [-6] [-c | -S TABLE] [-H] [-b]\n");
			return 2;
		}
	}
	if (both && !replay) {
		struct collect_ruleset *c = collect_ruleset_open(NULL);

		rs = collect_ruleset_snapshot(c, NULL, NULL, NULL);
		collect_ruleset_close(c);
		if (rs->status != SRC_OK)
			fprintf(stderr, "legacy-drv: nf_tables: %s: %s\n",
				snapshot_status_name(rs->status), rs->error ? rs->error : "");
	} else {
		rs = xcalloc(1, sizeof(*rs));
	}
	if (replay) {
		size_t len = 0;
		char *data = util_read_whole_file(replay, &len);

		if (!data) {
			perror(replay);
			snapshot_ruleset_free(rs);
			return 2;
		}
		if (collect_legacy_parse(rs, data, len, &cause) < 0) {
			fprintf(stderr, "legacy-drv: %s\n", cause);
			ret = 3;
		}
		free(data);
	} else {
		enum src_status st;

		if (collect_legacy_read(rs, NULL, NULL, &st, &cause) < 0) {
			fprintf(stderr, "legacy-drv: %s: %s\n", snapshot_status_name(st), cause);
			ret = 3;
		}
	}
	if (ret == 0) {
		strbuf_init(&out);
		if (both)
			strbuf_addf(&out, "legacy: %s\nboth: %s\n",
				    collect_legacy_present(rs) ? "yes" : "no",
				    collect_legacy_both(rs) ? "yes" : "no");
		else if (table)
			legacy_print_rules(&out, rs, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4, table, handles);
		else
			legacy_print_save(&out, rs, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4, counters);
		fputs(out.s ? out.s : "", stdout);
		strbuf_free(&out);
	}
	free(cause);
	snapshot_ruleset_free(rs);
	return ret;
}
