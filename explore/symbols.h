/* SPDX-License-Identifier: GPL-2.0 */
/* explore/symbols.h - names of return addresses (explore/symbols.c). */
#ifndef EXPLORE_SYMBOLS_H
#define EXPLORE_SYMBOLS_H

#include <stdbool.h>

/* The function containing @pc, and (*@file, if not NULL) the source file
 * of a file-local one, else NULL; NULL if unknown. */
const char *sym_name(const void *pc, const char **file);
/*
 * sym_inlined - the functions at return address @pc, innermost first: the
 * ones the compiler inlined there, then the function containing them (as
 * its debug information names it). At most @max into @v; returns how many,
 * 0 if unknown (no addr2line, no debug information).
 */
int sym_inlined(const void *pc, const char **v, int max);

#endif /* EXPLORE_SYMBOLS_H */
