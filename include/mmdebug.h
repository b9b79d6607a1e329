/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/mmdebug.h - VM_BUG_ON and friends.
 *
 * Every assertion reports through sim_violation() with the condition's text
 * and the caller's file:line (the macros expand at the call site), so a
 * failed assertion ends the execution with a replayable trace instead of
 * killing the process. The _PAGE/_FOLIO variants add the pfn.
 *
 * These are the model's first oracle: they stay on in every build
 * (including -O2 exploration); they cost one well-predicted branch.
 *
 * The WARN variants are reported exactly like the BUG variants: a kernel
 * WARN in mm is a bug report too. "_ONCE" is implied, as the first report
 * ends the execution. The WARN macros evaluate to the condition's value,
 * as in the kernel, so "if (VM_WARN_ON_ONCE(x)) return;" works.
 */
#ifndef MMSIM_MMDEBUG_H
#define MMSIM_MMDEBUG_H

#include "sim/sim.h"

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/* pfn of a struct page without including arch/physmem.h (layering). */
extern struct page *mem_map;
#define __mmdebug_pfn(p) ((unsigned long)((const struct page *)(p)-mem_map))

#define VM_BUG_ON(cond)                                        \
	do {                                                   \
		if (unlikely(cond))                            \
			sim_violation("VM_BUG_ON(%s)", #cond); \
	} while (0)

#define VM_BUG_ON_PAGE(cond, page)                                         \
	do {                                                               \
		if (unlikely(cond))                                        \
			sim_violation("VM_BUG_ON_PAGE(%s) pfn %lu", #cond, \
				      __mmdebug_pfn(page));                \
	} while (0)

#define VM_BUG_ON_FOLIO(cond, folio)                                        \
	do {                                                                \
		if (unlikely(cond))                                         \
			sim_violation("VM_BUG_ON_FOLIO(%s) pfn %lu", #cond, \
				      __mmdebug_pfn(folio));                \
	} while (0)

#define VM_WARN_ON(cond)                                        \
	({                                                      \
		int __ret_warn = !!(cond);                      \
		if (unlikely(__ret_warn))                       \
			sim_violation("VM_WARN_ON(%s)", #cond); \
		__ret_warn;                                     \
	})

#define VM_WARN_ON_ONCE(cond)                                        \
	({                                                           \
		int __ret_warn = !!(cond);                           \
		if (unlikely(__ret_warn))                            \
			sim_violation("VM_WARN_ON_ONCE(%s)", #cond); \
		__ret_warn;                                          \
	})

#define VM_WARN_ON_ONCE_PAGE(cond, page)                                  \
	({                                                                \
		int __ret_warn = !!(cond);                                \
		if (unlikely(__ret_warn))                                 \
			sim_violation("VM_WARN_ON_ONCE_PAGE(%s) pfn %lu", \
				      #cond, __mmdebug_pfn(page));        \
		__ret_warn;                                               \
	})

#define VM_WARN_ON_FOLIO(cond, folio)                                        \
	({                                                                   \
		int __ret_warn = !!(cond);                                   \
		if (unlikely(__ret_warn))                                    \
			sim_violation("VM_WARN_ON_FOLIO(%s) pfn %lu", #cond, \
				      __mmdebug_pfn(folio));                 \
		__ret_warn;                                                  \
	})
#define VM_WARN_ON_ONCE_FOLIO VM_WARN_ON_FOLIO

#define BUG_ON(cond)                                        \
	do {                                                \
		if (unlikely(cond))                         \
			sim_violation("BUG_ON(%s)", #cond); \
	} while (0)
#define BUG() sim_violation("BUG()")
#define WARN_ON(cond) VM_WARN_ON(cond)
#define WARN_ON_ONCE(cond) VM_WARN_ON_ONCE(cond)

#endif /* MMSIM_MMDEBUG_H */
