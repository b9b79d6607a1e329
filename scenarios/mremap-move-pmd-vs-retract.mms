# mremap-move-pmd-vs-retract: CVE-2024-50066, "mm/mremap: fix
# move_normal_pmd/retract_page_tables race" (6fa1066fc5d0, Jann Horn,
# 2024). Two shared mappings of one tmpfs file; A's page is mapped by a
# PTE table T:
#   1. m: mremap of A (mmap_lock write): move_page_tables reads A's PMD -
#      a table, a whole aligned 2M extent: move it by its PMD entry - but
#      takes the rmap locks only after;
#   2. k: MADV_COLLAPSE of B (no mmap_lock): collapse_file unmaps and
#      copies the page into a THP, retract_page_tables (i_mmap_rwsem
#      read, A's PMD lock) clears A's PMD and frees T;
#   3. m: move_normal_pmd (rmap locks, PMD locks) reads A's PMD again:
#      none, and "moves" it: the new PMD points to pfn 0 as a table.
#   4. m: the load at the new place walks pfn 0 as a page table (the
#      hardware walker reports it: no violation kind names it).
# The fix: under the locks, a PMD that is no longer a table is not
# moved; move_page_tables finds it none and goes on (the load refaults
# the huge folio).
config shmem_enabled=never
thread main:
	memfd F 2M
	mmap A 2M file=F shared
	mmap B 2M file=F shared
	store A 0x11
	spawn m k
thread m:
	mremap A 2M 2M maymove at=0x10000800000 as=C
	load C == 0x11
kthread k:
	collapse B
expect violation
