/*
 * unit.h - the in-tree unit test harness: CHECK() records a failure and
 * goes on; main returns unit_status(). Output is TAP-free plain lines that
 * automake's log keeps.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;
static int unit_checks;

#define CHECK(cond) do { \
	unit_checks++; \
	if (!(cond)) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	unit_checks++; \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:      %s\n  expected: %s\n", \
			__FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	unit_checks++; \
	if (a_ != b_) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: CHECK_INT failed: %s = %lld, expected %lld\n", \
			__FILE__, __LINE__, #a, a_, b_); \
	} \
} while (0)

static inline int unit_status(const char *name)
{
	fprintf(stderr, "%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif
