/*
 * ipset-names.h - the ipset names a rule-text fixture was recorded with,
 * for tests/unit-rule-text.c and tests/unit-legacy.c: a FILE of "INDEX
 * NAME" lines (tests/rulesets/regen.sh writes NAME.ipsets,
 * make-legacy-fixtures.sh legacy-NAME.ipsets) installed as the resolver
 * rule_text_ipset_names() asks, so -m set / -j SET show the names
 * `iptables -S` printed. Header-only: test code, not part of libiptop.
 */
#ifndef IPSET_NAMES_H
#define IPSET_NAMES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptop.h"
#include "rule-text.h"

#define TEST_MAX_IPSETS 256
static char test_ipsets[TEST_MAX_IPSETS][RULE_TEXT_IPSET_NAMELEN];

static inline const char *test_ipset_name(uint16_t index, char *buf, void *arg)
{
	(void)arg;
	if (index >= TEST_MAX_IPSETS || !test_ipsets[index][0])
		return NULL;
	snprintf(buf, RULE_TEXT_IPSET_NAMELEN, "%s", test_ipsets[index]);
	return buf;
}

/* Install the names of path, or no resolver when there is no such file.
 * Returns whether the file was there. */
static inline bool test_ipsets_load(const char *path)
{
	char *data, *line, *save = NULL;
	size_t len;

	memset(test_ipsets, 0, sizeof(test_ipsets));
	rule_text_ipset_names(NULL, NULL);
	data = util_read_whole_file(path, &len);
	if (!data)
		return false;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int idx;
		int off = 0;

		if (sscanf(line, "%u %n", &idx, &off) == 1 && off > 0 && idx < TEST_MAX_IPSETS)
			snprintf(test_ipsets[idx], RULE_TEXT_IPSET_NAMELEN, "%s", line + off);
	}
	free(data);
	rule_text_ipset_names(test_ipset_name, NULL);
	return true;
}

/* Does a rendered line still hold an undecoded option? */
static inline bool test_undecoded(const char *text)
{
	return strstr(text, "[?]") || strstr(text, "[ipset ");
}

#endif
