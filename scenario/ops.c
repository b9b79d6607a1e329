// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/ops.c - the op table and the words of the language.
 *
 * Adding an op: an enum scn_op_kind value in scenario.h, a row here, its
 * operand syntax in parser.c (parse_operands), its canonical form in
 * dump.c (dump_operands), its checks in validate.c, and a line in
 * docs/scenario-language.md.
 */
#include <string.h>

#include "scenario/internal.h"

#define MM_F                                                                  \
	(SCN_F_ANON | SCN_F_FILE | SCN_F_SHARED | SCN_F_PRIVATE | SCN_F_THP | \
	 SCN_F_NOTHP | SCN_F_GROWSDOWN | SCN_F_POPULATE | SCN_F_LOCKED)
#define PIN_F                                                                  \
	(SCN_F_READ | SCN_F_WRITE | SCN_F_FAST | SCN_F_SLOW | SCN_F_LONGTERM | \
	 SCN_F_GET)

/* Indexed by enum scn_op_kind. */
const struct op_spec op_specs[SCN_OP_NR] = {
	[SCN_OP_MMAP] = { "mmap", SCN_OP_MMAP, OPW_USER, MM_F,
			  KEY_NODE | KEY_AT | KEY_PROT | KEY_FILE },
	[SCN_OP_MUNMAP] = { "munmap", SCN_OP_MUNMAP, OPW_USER },
	[SCN_OP_MPROTECT] = { "mprotect", SCN_OP_MPROTECT, OPW_USER },
	[SCN_OP_MADVISE] = { "madvise", SCN_OP_MADVISE, OPW_USER },
	[SCN_OP_MREMAP] = { "mremap", SCN_OP_MREMAP, OPW_USER,
			    SCN_F_MAYMOVE | SCN_F_DONTUNMAP, KEY_AT | KEY_AS },
	[SCN_OP_FORK] = { "fork", SCN_OP_FORK, OPW_USER },
	[SCN_OP_EXIT] = { "exit", SCN_OP_EXIT, OPW_USER },
	[SCN_OP_EXEC] = { "exec", SCN_OP_EXEC, OPW_USER, 0, KEY_ARGS },
	[SCN_OP_LOAD] = { "load", SCN_OP_LOAD, OPW_USER, SCN_F_FAULTS },
	[SCN_OP_STORE] = { "store", SCN_OP_STORE, OPW_USER, SCN_F_FAULTS },
	[SCN_OP_FILL] = { "fill", SCN_OP_FILL, OPW_USER, SCN_F_FAULTS },
	[SCN_OP_CHECK] = { "check", SCN_OP_CHECK, OPW_USER, SCN_F_FAULTS },
	[SCN_OP_PIN] = { "pin", SCN_OP_PIN, OPW_USER, PIN_F },
	[SCN_OP_UNPIN] = { "unpin", SCN_OP_UNPIN, OPW_ANY, SCN_F_DIRTY },
	[SCN_OP_DMA_READ] = { "dma-read", SCN_OP_DMA_READ, OPW_ANY },
	[SCN_OP_DMA_WRITE] = { "dma-write", SCN_OP_DMA_WRITE, OPW_ANY },
	[SCN_OP_MOVE_PAGES] = { "move-pages", SCN_OP_MOVE_PAGES, OPW_ANY, 0,
				KEY_NODE },
	[SCN_OP_NUMA_MIGRATE] = { "numa-migrate", SCN_OP_NUMA_MIGRATE, OPW_ANY,
				  0, KEY_NODE },
	[SCN_OP_NUMA_SCAN] = { "numa-scan", SCN_OP_NUMA_SCAN, OPW_ANY },
	[SCN_OP_PAGEOUT] = { "pageout", SCN_OP_PAGEOUT, OPW_ANY },
	[SCN_OP_RECLAIM] = { "reclaim", SCN_OP_RECLAIM, OPW_ANY },
	[SCN_OP_SWAPIN] = { "swapin", SCN_OP_SWAPIN, OPW_ANY },
	[SCN_OP_SWAPOFF] = { "swapoff", SCN_OP_SWAPOFF, OPW_ANY },
	[SCN_OP_COMPACT] = { "compact", SCN_OP_COMPACT, OPW_ANY, 0, KEY_NODE },
	[SCN_OP_COLLAPSE] = { "collapse", SCN_OP_COLLAPSE, OPW_ANY },
	[SCN_OP_SPLIT] = { "split", SCN_OP_SPLIT, OPW_ANY,
			   SCN_F_PMD | SCN_F_FOLIO },
	[SCN_OP_SPLIT_DEFERRED] = { "split-deferred", SCN_OP_SPLIT_DEFERRED,
				    OPW_ANY },
	[SCN_OP_KSM_MERGE] = { "ksm-merge", SCN_OP_KSM_MERGE, OPW_ANY },
	[SCN_OP_KSMD] = { "ksmd", SCN_OP_KSMD, OPW_ANY },
	[SCN_OP_DEVICE_MIGRATE] = { "device-migrate", SCN_OP_DEVICE_MIGRATE,
				    OPW_ANY, 0, KEY_TO },
	[SCN_OP_DEVICE_LOAD] = { "device-load", SCN_OP_DEVICE_LOAD, OPW_ANY },
	[SCN_OP_DEVICE_STORE] = { "device-store", SCN_OP_DEVICE_STORE,
				  OPW_ANY },
	[SCN_OP_SIGNAL] = { "signal", SCN_OP_SIGNAL, OPW_ANY },
	[SCN_OP_WAIT] = { "wait", SCN_OP_WAIT, OPW_ANY },
	[SCN_OP_SPAWN] = { "spawn", SCN_OP_SPAWN, OPW_ANY },
	[SCN_OP_PFN_GET] = { "pfn-get", SCN_OP_PFN_GET, OPW_ANY },
	[SCN_OP_MEMFD] = { "memfd", SCN_OP_MEMFD, OPW_ANY, 0, KEY_HUGE },
	[SCN_OP_TRUNCATE] = { "truncate", SCN_OP_TRUNCATE, OPW_ANY },
	[SCN_OP_FALLOCATE] = { "fallocate", SCN_OP_FALLOCATE, OPW_ANY },
	/* observations */
	[SCN_OP_PAGEMAP] = { "pagemap", SCN_OP_PAGEMAP, OPW_ANY },
	[SCN_OP_PFN_MARK] = { "pfn-mark", SCN_OP_PFN_MARK, OPW_ANY },
	[SCN_OP_SAME_FRAME] = { "same-frame", SCN_OP_SAME_FRAME, OPW_ANY },
	[SCN_OP_OTHER_FRAME] = { "other-frame", SCN_OP_OTHER_FRAME, OPW_ANY },
	[SCN_OP_WAIT_EXIT] = { "wait-exit", SCN_OP_WAIT_EXIT, OPW_ANY },
};

const char *const scenario_pagemap_flags[SCN_PM_NR] = {
	"present", "swapped", "soft-dirty", "exclusive", "thp",
	"pmd",	   "anon",    "ksm",	    "zero",
};

/* Indexed by bit number of SCN_F_*. */
const char *const flag_names[SCN_F_NR] = {
	"anon",	     "file",	  "shared",   "private", "thp",
	"nothp",     "growsdown", "populate", "locked",	 "maymove",
	"dontunmap", "read",	  "write",    "fast",	 "slow",
	"longterm",  "get",	  "dirty",    "pmd",	 "folio",
	"faults",
};

const char *const advice_names[SCN_MADV_NR] = {
	"normal",	   "random",	    "sequential",
	"willneed",	   "dontneed",	    "free",
	"remove",	   "dontfork",	    "dofork",
	"mergeable",	   "unmergeable",   "hugepage",
	"nohugepage",	   "dontdump",	    "dodump",
	"wipeonfork",	   "keeponfork",    "cold",
	"pageout",	   "populate-read", "populate-write",
	"dontneed-locked", "collapse",
};

/*
 * What "expect violation KIND" may name. The check/ layer owns the
 * meaning; keep this list in step with its reports and with
 * docs/scenario-language.md.
 */
const char *const scenario_violation_kinds[] = {
	"lost-store", /* value oracle: a load missed a store */
	"wrong-value", /* value oracle: any other bad load */
	"pin-incoherent", /* a pinned page is not the mapped page */
	"pin-leak", /* a pin never released */
	"refcount", /* folio refcount invariant */
	"mapcount", /* folio mapcount invariant */
	"rmap", /* rmap does not find a mapping */
	"anon-exclusive", /* PG_anon_exclusive invariant */
	"migration-entry", /* a migration entry left behind */
	"folio-locked", /* a folio left locked */
	"leak", /* a frame or page table leaked */
	"use-after-free", /* a freed frame or page table reached */
	"lock-order", /* lockdep-like order violation */
	"bug-on", /* a VM_BUG_ON-style assertion */
	"fault", /* an access faulted that must not, or did not that must */
	"pagemap", /* a pagemap statement does not hold */
	"frame", /* a same-frame/other-frame statement does not hold */
	NULL,
};

static bool word_eq(const char *s, unsigned int len, const char *w)
{
	return strlen(w) == len && !memcmp(s, w, len);
}

const struct op_spec *op_lookup(const char *s, unsigned int len)
{
	int i;

	for (i = 0; i < SCN_OP_NR; i++)
		if (word_eq(s, len, op_specs[i].name))
			return &op_specs[i];
	return NULL;
}

int flag_lookup(const char *s, unsigned int len)
{
	int i;

	if (word_eq(s, len, "stack"))
		return 6; /* alias of growsdown */
	for (i = 0; i < SCN_F_NR; i++)
		if (word_eq(s, len, flag_names[i]))
			return i;
	return -1;
}

int advice_lookup(const char *s, unsigned int len)
{
	int i;

	for (i = 0; i < SCN_MADV_NR; i++)
		if (word_eq(s, len, advice_names[i]))
			return i;
	return -1;
}

int prot_parse(const char *s, unsigned int len)
{
	unsigned int i, prot = 0, bit;

	if (word_eq(s, len, "none"))
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == 'r')
			bit = SCN_PROT_R;
		else if (s[i] == 'w')
			bit = SCN_PROT_W;
		else if (s[i] == 'x')
			bit = SCN_PROT_X;
		else
			return -1;
		if (prot & bit)
			return -1;
		prot |= bit;
	}
	return len ? (int)prot : -1;
}

const char *prot_name(unsigned int prot)
{
	static const char *const names[8] = {
		"none", "r", "w", "rw", "x", "rx", "wx", "rwx",
	};

	return names[prot & 7];
}

const char *scenario_op_name(enum scn_op_kind kind)
{
	return kind < SCN_OP_NR ? op_specs[kind].name : "?";
}

const char *scenario_advice_name(enum scn_advice advice)
{
	return advice < SCN_MADV_NR ? advice_names[advice] : "?";
}

const char *scenario_verdict_name(enum scn_verdict v)
{
	switch (v) {
	case SCN_EXPECT_OK:
		return "ok";
	case SCN_EXPECT_VIOLATION:
		return "violation";
	case SCN_EXPECT_DEADLOCK:
		return "deadlock";
	case SCN_EXPECT_LIVELOCK:
		return "livelock";
	}
	return "?";
}

/* Levenshtein distance of two short strings, capped at 3. */
static int edit_distance(const char *a, unsigned int la, const char *b)
{
	unsigned int lb = strlen(b), i, j;
	int d[SCN_MAX_NAME + 1][SCN_MAX_NAME + 1];

	if (la > SCN_MAX_NAME || lb > SCN_MAX_NAME)
		return 3;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb] > 3 ? 3 : d[la][lb];
}

const char *nearest(const char *s, unsigned int len, const char *const *names,
		    int n)
{
	const char *best = NULL;
	int i, bd = 3;

	for (i = 0; (n < 0 || i < n) && names[i]; i++) {
		int d = edit_distance(s, len, names[i]);

		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	return best;
}

const char *nearest_op(const char *s, unsigned int len)
{
	const char *names[SCN_OP_NR + 1];
	int i;

	for (i = 0; i < SCN_OP_NR; i++)
		names[i] = op_specs[i].name;
	names[i] = NULL;
	return nearest(s, len, names, -1);
}
