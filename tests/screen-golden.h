/*
 * screen-golden.h - golden screen files shared by the test programs
 * (tests/screen-golden.c).
 */
#ifndef SCREEN_GOLDEN_H
#define SCREEN_GOLDEN_H

#include <stdbool.h>

struct canvas;

/* $top_srcdir, or "." */
const char *srcdir(void);
/* The canvas against tests/golden/NAME.txt (UPDATE_GOLDEN=1 writes it).
 * Counting the check is the caller's. */
bool golden_matches(const char *name, const struct canvas *c);

#endif
