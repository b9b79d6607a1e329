// SPDX-License-Identifier: GPL-2.0
/*
 * sim/regress.c - the catalogue of historical kernel bugs (see regress.h).
 *
 * The table starts empty of kernel bugs: the mm engineers add each one as
 * they implement the code it lives in. The single placeholder entry is
 * there to exercise the mechanism and is skipped by `mmsim bugs` unless
 * asked for (--placeholder).
 */
#include <string.h>

#include "sim/regress.h"

uint64_t sim_regress_mask;

const struct sim_regress sim_regress_table[SIM_REGRESS__NR] = {
	[SIM_REGRESS_PLACEHOLDER_DEMO] = {
		.name = "placeholder-demo",
		.commit = "-",
		.date = "-",
		.what = "PLACEHOLDER (not a kernel bug): a counter increment "
			"without its lock loses an update",
		.scenario = "builtin:regress-demo",
		.placeholder = true,
	},
	/* real bugs: { name, commit, date, what, scenarios/NAME.mms } */
	[SIM_REGRESS_COW_REUSE_MAPCOUNT] = {
		.name = "cow-reuse-mapcount",
		.commit = "09854ba94c6a",
		.date = "2020-08-21",
		.what = "CVE-2020-29374: a write fault reuses an anon page "
			"that is mapped once but still referenced by a "
			"child's GUP (vmsplice): the parent's write leaks "
			"into the child",
		.scenario = "scenarios/cve-2020-29374-vmsplice.mms",
	},
	[SIM_REGRESS_THP_NUMA_COUNT_RECHECK] = {
		.name = "thp-numa-count-recheck",
		/* "mm/migrate.c: stabilise page count when migrating
		 * transparent hugepages" (Will Deacon; in the v4.13-rc1
		 * merge shortlog; v2 posted 2017-06-13): its hash is not
		 * verified. 2b4847e73004, once written here, is Mel
		 * Gorman's 2013 "mm: numa: serialise parallel
		 * get_user_page against THP migration". */
		.commit = "not verified",
		.date = "2017-06-13",
		.what = "migrate_misplaced_transhuge_page checked page_count "
			"== 2 before and after installing the new PMD and "
			"restored the old PMD on a change: a store through "
			"the new PMD in between is lost",
		.scenario = "scenarios/thp-numa-count-recheck.mms",
		/* found by the default search after at most 65,678
		 * executions (the ladder's dpor:5; 4.4 s at -O2, ~20 s of
		 * CPU under ASan): docs/explorer.md */
	},
	[SIM_REGRESS_EXEC_STACK_RMAP_MISS] = {
		.name = "exec-stack-rmap-miss",
		.commit = "a8bef8ff6ea1",
		.date = "2010-05-24",
		.what = "migration of a page of exec's temporary stack while "
			"shift_arg_pages moves it: the rmap walk misses the "
			"moved PTE and a migration entry is left behind "
			"(BUG in migration_entry_to_page)",
		.scenario = "scenarios/exec-stack-rmap-miss.mms",
	},
	[SIM_REGRESS_MREMAP_NO_RMAP_LOCKS] = {
		.name = "mremap-no-rmap-locks",
		.commit = "108d6642ad81",
		.date = "2012-10-08",
		.what = "move_ptes without the anon_vma lock while migration "
			"walks the same anon_vma, the destination VMA first: "
			"the walk misses the moving PTE and leaves a "
			"migration entry behind",
		.scenario = "scenarios/mremap-no-rmap-locks.mms",
	},
	[SIM_REGRESS_GUP_FAST_NO_RECHECK] = {
		.name = "gup-fast-no-recheck",
		.commit = "2667f50e8b81",
		.date = "2014-10-09",
		.what = "GUP-fast grabs the page and does not re-check the "
			"PTE (x86's IPI-based protocol): on arm64 the "
			"broadcast TLB flush does not wait for it, migration "
			"completes between its read and its grab, and the pin "
			"lands on the old page (passes on x86, fails on arm64)",
		.scenario = "scenarios/gup-fast-no-recheck.mms",
	},
	[SIM_REGRESS_NUMA_WAIT_ON_FREED_PAGE] = {
		.name = "numa-wait-on-freed-page",
		.commit = "3c226c637b69",
		.date = "not verified",
		.what = "seed 000 patch 1/3: the THP hinting fault waits for "
			"a migration's page lock without a reference; the "
			"migration frees the THP and the waiter touches a "
			"free page (PG_waiters on a freed page)",
		.scenario = "scenarios/numa-wait-on-freed-page.mms",
		/* the waiter must stop between its PMD unlock and its wait
		 * while the migration runs to the free: random does not
		 * find it in 20,000; PCT depth 3 at execution 610. A THP
		 * scenario (~700 executions/s at -O2, a few dozen under
		 * ASan): tests/t_arm64.c proves it both ways in the suite */
	},
	[SIM_REGRESS_NUMA_PROTNONE_NO_FLUSH] = {
		.name = "numa-protnone-no-flush",
		.commit = "20841405940e",
		.date = "not verified",
		.what = "migration's ptep_clear_flush skips the flush of a "
			"PROTNONE entry while change_prot_numa's batched "
			"flush is still pending: a CPU keeps storing into the "
			"old page through its stale TLB entry after the copy",
		.scenario = "scenarios/numa-protnone-no-flush.mms",
		/* the whole migration inside the scanner's pending flush:
		 * two preemptions; dfs:2 finds it at execution 2,050 and
		 * proves the fixed code clean (89,539 executions) */
	},
	[SIM_REGRESS_PAGE_REF_UNFREEZE_RELAXED] = {
		/* title from the v4.13 merge shortlog and Will Deacon's
		 * posting of 2017-06-13 (v2 2/3); the hash is not verified */
		.name = "page-ref-unfreeze-relaxed",
		.commit = "not verified",
		.date = "2017-06-13",
		.what = "page_ref_unfreeze was a plain atomic_set: on arm64 "
			"the unfrozen count becomes visible before the stores "
			"of the frozen section; a THP split's head unfrozen "
			"before its tails' page-cache slots: a lookup maps the "
			"head's page for a tail's index",
		.scenario = "scenarios/page-ref-unfreeze-relaxed.mms",
		/* arm64 store buffers: the split of a huge tmpfs folio
		 * unfreezes the head before its tails' slot stores are
		 * visible; a shmem fault's lookup maps the head for a
		 * tail's index (docs/bugs.md) */
	},
	[SIM_REGRESS_ANON_EXCLUSIVE_CLEAR_NO_BARRIER] = {
		.name = "anon-exclusive-clear-no-barrier",
		.commit = "088b8aa537c2",
		.date = "2022-09-01",
		.what = "mm: fix PageAnonExclusive clearing racing with "
			"concurrent RCU GUP-fast: without the smp_mb() pair, "
			"the unmapper's pin check and GUP-fast's PTE re-check "
			"both pass (store buffering): a pin on a page being "
			"shared and unmapped",
		.scenario = "scenarios/anon-exclusive-clear-no-barrier.mms",
		/* the flush IPI makes GUP-fast's stores visible before the
		 * pin check: only an RCU GUP-fast (broadcast TLBI) races,
		 * so its scenario says arch=arm64 memory=arm64 */
	},
	[SIM_REGRESS_TLB_BATCHED_PENDING_MISSING] = {
		/* hash and title from the Fixes: tags of later fixes
		 * (Ryan Roberts, 2025); the date is not verified (4.13) */
		.name = "tlb-batched-pending-missing",
		.commit = "3ea277194daa",
		.date = "not verified",
		.what = "mm, mprotect: flush TLB if potentially racing with a "
			"parallel reclaim leaving stale TLB entries: a zap "
			"(mprotect, mremap) meets an entry an unmapper cleared "
			"without flushing yet, flushes nothing for it, and a "
			"CPU keeps storing through its stale TLB entry",
		.scenario = "scenarios/tlb-batched-pending-missing.mms",
	},
	[SIM_REGRESS_FINISH_FAULT_PMD_NO_RECHECK] = {
		/* "mm: postpone page table allocation until we have page
		 * to map" (Kirill A. Shutemov; hash from later Fixes:
		 * tags; v3 posted 2016-03-03, commit date not verified):
		 * it postponed the table (seed 003's idea) and, in the
		 * same commit, closed the window that opened with
		 * pmd_trans_unstable() in pte_alloc_one_map(); 6.5's
		 * failing pte_offset_map_lock() replaced that check.
		 * Not a bug of a released kernel: the window of the
		 * design, with its re-check switched off. */
		.name = "finish-fault-pmd-no-recheck",
		.commit = "7267ec008b5c",
		.date = "not verified",
		.what = "seed 003: a huge tmpfs fault whose faultaround found "
			"nothing maps its page by PTE; meanwhile another "
			"thread's do_set_pmd maps the huge folio by the PMD; "
			"finish_fault walks the huge PMD as a PTE table and "
			"takes a PTL in a data page's struct page",
		.scenario = "scenarios/finish-fault-pmd-no-recheck.mms",
	},
	[SIM_REGRESS_DONTNEED_VS_THP_FAULT] = {
		/* hash and title read in linux-mm mails that cite it
		 * (Kirill A. Shutemov, Andrea Arcangeli, 2012); the CVE
		 * number and the date are not verified */
		.name = "dontneed-vs-thp-fault",
		.commit = "1a5a9906d4e8",
		.date = "not verified",
		.what = "CVE-2012-1179: MADV_DONTNEED (mmap_lock read) reads "
			"a none PMD, a THP fault maps it huge, and "
			"pmd_none_or_clear_bad's second read calls the huge "
			"PMD bad and clears it: the THP's mapping, rmap and "
			"deposited table are lost",
		.scenario = "scenarios/dontneed-vs-thp-fault.mms",
	},
	[SIM_REGRESS_THP_SPLIT_PMD_MAPCOUNT] = {
		.name = "thp-split-pmd-mapcount",
		.commit = "c444eb564fb1",
		.date = "2020-06-19",	/* the stable backport's posting */
		.what = "mm: thp: make the THP mapcount atomic against "
			"__split_huge_pmd_locked(): a THP write fault that "
			"reuses by mapcount reads the subpage mapcounts before "
			"and the compound mapcount after another process's "
			"PMD split moved its mapping: it counts one mapping, "
			"reuses the shared THP, and the other process sees "
			"the write",
		.scenario = "scenarios/thp-split-pmd-mapcount.mms",
	},
	[SIM_REGRESS_MIGRATE_VMA_DIRTY_LOSS] = {
		.name = "migrate-vma-dirty-loss",
		/* "mm/migrate_device.c: copy pte dirty bit to page" (Alistair
		 * Popple; the hash is from a mainline shortlog found with the
		 * search tool; the v3 patch was posted 2022-08-24, seed 004;
		 * the commit date itself is not verified). Introduced by
		 * 8c3328f1f36a ("mm/migrate: migrate_vma() unmap page from
		 * vma while collecting pages"), per the patch's Fixes tag. */
		.commit = "fd35ca3d12cc",
		.date = "not verified",
		.what = "seed 004: migrate_vma_collect clears a dirty PTE "
			"without carrying its dirty bit to the folio; the "
			"migration fails on an extra reference, the PTE comes "
			"back clean, and reclaim drops the swap-cache folio "
			"as clean: the store is lost",
		.scenario = "scenarios/seed004-device-migrate-dirty.mms",
	},
	[SIM_REGRESS_MADV_FREE_VS_GUP] = {
		.name = "madv-free-vs-gup",
		/* "mm: fix race between MADV_FREE reclaim and blkdev direct
		 * IO read" (Mauricio Faria de Oliveira; hash and title from
		 * its stable backport's "commit ... upstream" line; Fixes:
		 * 802a3a92ad7a "mm: reclaim MADV_FREE pages"; backported in
		 * April 2022, the commit date itself is not verified) */
		.commit = "6c8e2a256915",
		.date = "not verified",
		.what = "reclaim discards a clean MADV_FREE page that a "
			"GUP-fast reference (direct IO read) still writes "
			"into: the process then reads zero instead of the "
			"data",
		.scenario = "scenarios/madv-free-vs-gup.mms",
	},
	[SIM_REGRESS_SWAPIN_SKIP_SWAPCACHE_ABA] = {
		.name = "swapin-skip-swapcache-aba",
		/* "mm/swap: fix race when skipping swapcache" (Kairui Song;
		 * hash and title from a mainline shortlog and later patches
		 * citing it; 2024, the exact date not verified;
		 * CVE-2024-26759 per issue 11, not verified) */
		.commit = "13ddaf26be32",
		.date = "not verified",
		.what = "two faults on one swap entry of a synchronous "
			"device both skip the swap cache: one maps, writes, "
			"and reclaim reuses the slot; the other's pte_same() "
			"passes on the reused entry and it maps its stale copy",
		.scenario = "scenarios/swapin-skip-swapcache-aba.mms",
	},
	[SIM_REGRESS_DEVICE_PRIVATE_FAULT_NO_REF] = {
		.name = "device-private-fault-no-ref",
		/* "mm/memory.c: fix race when faulting a device private
		 * page" (Alistair Popple; full hash 16ce101db85db694... and
		 * title read in a stable backport's "commit ... upstream"
		 * line and a shortlog; v6.0-rc3-595-g16ce101db85d per an
		 * amdgpu DKMS check, so merged for v6.1; CVE-2022-3523 per
		 * that backport's title; the date is not verified) */
		.commit = "16ce101db85d",
		.date = "not verified",
		.what = "do_swap_page follows a device-private entry to its "
			"page and calls the driver's migrate_to_ram without "
			"the PTL or a reference: a concurrent migration back "
			"to system memory frees the device page first",
		.scenario = "scenarios/device-private-fault-no-ref.mms",
	},
	[SIM_REGRESS_KHUGEPAGED_PT_FREE_VS_GUP_FAST] = {
		.name = "khugepaged-pt-free-vs-gup-fast",
		/* "mm/khugepaged: fix GUP-fast interaction by sending IPI"
		 * (Jann Horn; full hash 2ba99c5e0881... from its stable
		 * backport's "commit ... upstream" line, backported
		 * 2022-12-06; Fixes: ba76149f47d8 "thp: khugepaged"; the
		 * mainline commit date itself is not verified) */
		.commit = "2ba99c5e0881",
		.date = "not verified",
		.what = "on arm64 (page tables freed through RCU) "
			"collapse_huge_page's pmdp_collapse_flush does not "
			"wait for GUP-fast; without tlb_remove_table_sync_one "
			"a GUP-fast that read the old PMD walks the old PTE "
			"table after the collapse deposited it and a zap "
			"freed it: a page-table use-after-free",
		.scenario = "scenarios/khugepaged-pt-free-vs-gup-fast.mms",
	},
	[SIM_REGRESS_GUP_FAST_NO_WP_SEQ] = {
		/* "mm/gup: prevent gup_fast from racing with COW during
		 * fork" (Jason Gunthorpe): hash and title from the mainline
		 * shortlog and an LKP report on torvalds/linux master; the
		 * v2 thread is of November 2020; the commit date is not
		 * verified */
		.name = "gup-fast-no-wp-seq",
		.commit = "57efa1fe5957",
		.date = "not verified",
		.what = "GUP-fast pins without sampling and re-checking "
			"mm->write_protect_seq: fork checks the page for pins "
			"(none yet), the pin lands and re-checks a PTE fork has "
			"not write-protected yet, fork shares the page with "
			"the child: the parent's next write COWs away from "
			"the pin",
		.scenario = "scenarios/gup-fast-no-wp-seq.mms",
	},
	[SIM_REGRESS_GUP_FAST_VS_COLLAPSE] = {
		/* "mm: gup: fix the fast GUP race against THP collapse"
		 * (Yang Shi): full hash 70cbc3cc78a997d8247b50389d37c4e1736019da
		 * from its stable backport's "commit ... upstream" line and
		 * a mainline revlist; v6.0 cycle (link of 2022-09-07); the
		 * commit date itself is not verified. The kernel it fixed
		 * had no tlb_remove_table_sync_one() in collapse_huge_page
		 * either (2ba99c5e0881 came later): the switch removes both */
		.name = "gup-fast-vs-collapse",
		.commit = "70cbc3cc78a9",
		.date = "not verified",
		.what = "on arm64 GUP-fast re-checks only the PTE after its "
			"grab: collapse_huge_page cleared the PMD, found no "
			"pin, and copies the page before it clears the old "
			"PTE in the unlinked table; the pin lands on the old "
			"page, which the process no longer maps",
		.scenario = "scenarios/gup-fast-vs-collapse.mms",
	},
	[SIM_REGRESS_MREMAP_MOVE_PMD_VS_RETRACT] = {
		/* "mm/mremap: fix move_normal_pmd/retract_page_tables race"
		 * (Jann Horn): full hash 6fa1066fc5d00cb9f1b0e83b7ff6ef98d26ba2aa
		 * from the 6.6 and 6.11 stable reviews' "commit ... upstream"
		 * lines and a mainline revlist; the patch mail is dated
		 * 2024-10-07, merged for v6.12-rc (mm-hotfixes, 2024-10-17);
		 * CVE-2024-50066 per issue 12, not verified */
		.name = "mremap-move-pmd-vs-retract",
		.commit = "6fa1066fc5d0",
		.date = "not verified",
		.what = "move_page_tables reads the old PMD (a PTE table) "
			"before it takes the rmap locks; retract_page_tables "
			"(MADV_COLLAPSE of the file through another mapping) "
			"clears it and frees the table meanwhile; "
			"move_normal_pmd moves the none PMD: the new PMD "
			"points to pfn 0 as a page table",
		.scenario = "scenarios/mremap-move-pmd-vs-retract.mms",
	},
	[SIM_REGRESS_MREMAP_FLUSH_AFTER_UNLOCK] = {
		/* "mremap: properly flush TLB before releasing the page"
		 * (Linus Torvalds): full hash eb66ae030829605d61fbef1909ce310e29f78821
		 * and author date 2018-10-12 from LTP's mremap06 test
		 * header; CVE-2018-18281 from Jann Horn's oss-security
		 * notice ("Since Linux kernel version 3.2, the mremap()
		 * syscall performs TLB flushes after dropping pagetable
		 * locks"); the commit date is the author date */
		.name = "mremap-flush-after-unlock",
		.commit = "eb66ae030829",
		.date = "2018-10-12",
		.what = "move_ptes drops the PTLs before it flushes the old "
			"addresses: truncate zaps the PTE at its new place, "
			"flushes only that address and frees the page, while "
			"another CPU still reads it through its TLB entry of "
			"the old address",
		.scenario = "scenarios/mremap-flush-after-unlock.mms",
	},
	[SIM_REGRESS_SWAPOFF_VS_SWAPIN] = {
		/* "mm, swap: fix race between swapoff and some swap
		 * operations" (Huang Ying): full hash eb085574a7526c and
		 * its date in git blame output of mm/memory.c quoted by an
		 * LKP report (the author date); the V8 patch was posted
		 * 2019-02-18; Fixes: 235b62176712 "mm/swap: add cluster
		 * lock" */
		.name = "swapoff-vs-swapin",
		.commit = "eb085574a752",
		.date = "2019-07-11",
		.what = "a swap-in reads a swap PTE and then the swap "
			"device's maps with nothing holding swapoff off: "
			"swapoff unuses every entry and frees swap_map and "
			"the swap cache in between, and the swap-in reads "
			"them (a NULL swap_map dereference)",
		.scenario = "scenarios/swapoff-vs-swapin.mms",
	},
	[SIM_REGRESS_SHMEM_PMD_MIGRATION_SPLIT] = {
		/* "mm/thp: fix __split_huge_pmd_locked() on shmem migration
		 * entry" (Hugh Dickins): full hash 99fa8a48203d62b3743d866fc48ef6abaee682be
		 * in its stable backports ("[ Upstream commit ... ]",
		 * 5.10.47 and 4.19 reviews, 2021-06/07) and a vendor
		 * backport ("mainline inclusion from mainline-v5.13-rc7");
		 * Fixes: e71769ae5260 "mm: enable thp migration for shmem
		 * thp"; the commit date itself not verified */
		.name = "shmem-pmd-migration-split",
		.commit = "99fa8a48203d",
		.date = "not verified",
		.what = "__split_huge_pmd_locked's file branch forgot PMD "
			"migration entries: a hole punch that splits the PMD "
			"of a tmpfs THP being migrated hits VM_BUG_ON("
			"!pmd_present) in pmdp_huge_clear_flush (or uses "
			"pmd_page() of the entry as a page)",
		.scenario = "scenarios/shmem-pmd-migration-split.mms",
	},
	[SIM_REGRESS_FILEMAP_MAP_PAGES_EOF] = {
		/* "mm: filemap: fix nr_pages calculation overflow in
		 * filemap_map_pages()" (Baolin Wang): f58df566524e in a
		 * mainline log next to Linux 7.0-rc7, its mm-commits mail
		 * (its lkml link reads as 2026-03-17: not verified) says Fixes:
		 * 743a2753a02e "filemap: cap PTE range to be created to
		 * allowed zero fill in folio_map_range()", Cc: stable;
		 * the commit date is not verified. Found again by mmsim's
		 * fuzz runner (session 10) before the model knew of it. */
		.name = "filemap-map-pages-eof",
		.commit = "f58df566524e",
		.date = "not verified",
		.what = "faultaround reads i_size after it found and locked "
			"a large folio: a truncate in between leaves the "
			"folio past the new end, nr_pages wraps around and "
			"filemap_map_folio_range maps pages that are not "
			"the folio's (VM_WARN_ON_FOLIO in folio_add_file_"
			"rmap_ptes, other pages' mapcounts corrupted)",
		.scenario = "scenarios/filemap-map-pages-eof.mms",
	},
};

void sim_regress_set(enum sim_regress_id id, bool on)
{
	if ((unsigned)id >= SIM_REGRESS__NR)
		return;
	if (on)
		sim_regress_mask |= 1ULL << id;
	else
		sim_regress_mask &= ~(1ULL << id);
}

void sim_regress_clear(void)
{
	sim_regress_mask = 0;
}

int sim_regress_by_name(const char *name)
{
	for (int i = 0; i < SIM_REGRESS__NR; i++)
		if (sim_regress_table[i].name &&
		    !strcmp(sim_regress_table[i].name, name))
			return i;
	return -1;
}

int sim_regress_nr_real(void)
{
	int n = 0;

	for (int i = 0; i < SIM_REGRESS__NR; i++)
		n += sim_regress_table[i].name &&
		     !sim_regress_table[i].placeholder;
	return n;
}
