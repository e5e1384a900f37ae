/*
 * fuzz.h - the libFuzzer targets in fuzz/ and what they share. Each
 * fuzz-NAME.c defines fuzz_NAME() (one input through the module's pure
 * entry points) and, unless FUZZ_REGRESS is defined, the
 * LLVMFuzzerTestOneInput() that calls it. tests/unit-regress.c builds the
 * same files with FUZZ_REGRESS to replay fuzz/regress/ and fuzz/corpus/
 * without clang. Crashes are the oracle, plus a few invariants checked
 * here (JSON that parses, a mirror whose index is consistent): a broken
 * one calls fuzz_fail(), which abort()s so libFuzzer keeps the input.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

int fuzz_ruleset(const uint8_t *data, size_t size);
int fuzz_rule_text(const uint8_t *data, size_t size);
int fuzz_conntrack(const uint8_t *data, size_t size);
int fuzz_trace(const uint8_t *data, size_t size);
int fuzz_theme(const uint8_t *data, size_t size);
int fuzz_record(const uint8_t *data, size_t size);
int fuzz_legacy(const uint8_t *data, size_t size);

#ifndef FUZZ_REGRESS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif

/* Print "fuzz: what: detail" and abort(). */
void fuzz_fail(const char *what, const char *detail) __attribute__((noreturn));
/* Abort unless s[0..len) is one JSON value (RFC 8259 syntax, no raw control
 * characters in strings, no nan/inf), optionally followed by one '\n'. */
void fuzz_check_json(const char *s, size_t len, const char *what);
/* The first message of buf, or NULL when buf holds no complete one. */
const struct nlmsghdr *fuzz_msg_first(const void *buf, size_t len, size_t *left);
/* The message after nlh (left: bytes from nlh to the end), or NULL. */
const struct nlmsghdr *fuzz_msg_next(const struct nlmsghdr *nlh, size_t *left);
/* Write data to an anonymous file and return its path ("/proc/self/fd/N",
 * valid until the next call); NULL when no such file can be made. */
const char *fuzz_file(const uint8_t *data, size_t size);
/* A NUL-terminated copy (free it). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
