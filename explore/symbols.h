/* SPDX-License-Identifier: GPL-2.0 */
/* explore/symbols.h - names of return addresses (explore/symbols.c). */
#ifndef EXPLORE_SYMBOLS_H
#define EXPLORE_SYMBOLS_H

#include <stdbool.h>

/* The function containing @pc, and (*@file, if not NULL) the source file
 * of a file-local one, else NULL; NULL if unknown. */
const char *sym_name(const void *pc, const char **file);

#endif /* EXPLORE_SYMBOLS_H */
