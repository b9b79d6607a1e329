# khugepaged-pt-free-vs-gup-fast: "mm/khugepaged: fix GUP-fast interaction
# by sending IPI" (2ba99c5e0881, Jann Horn, 2022). On arm64 page tables
# are freed through RCU and the TLBI of pmdp_collapse_flush waits for
# nobody; GUP-fast re-checks the PMD after its grab (70cbc3cc78a9), but
# it still needs the table it reads not to be freed under it:
#   1. t: GUP-fast (interrupts off) reads A's PMD: the PTE table T;
#   2. k: collapse: clears the PMD and flushes (no wait), isolates and
#      copies the page, maps the THP and deposits T under the huge PMD;
#   3. u: MADV_DONTNEED zaps the huge PMD and frees the deposit T at once
#      (zap_deposited_table -> pte_free: not an RCU free);
#   4. t: reads A's PTE in T: a page-table use-after-free.
# The fix: tlb_remove_table_sync_one() after pmdp_collapse_flush - its
# IPI waits until t's interrupts-off section is over, so no GUP-fast
# still holds T when the collapse goes on.
config arch=arm64 thp=never
thread main:
	mmap A 2M
	store A 0x11
	spawn t k u
thread t:
	pin P A 4K write fast
	unpin P
kthread k:
	collapse A
thread u:
	madvise A 2M dontneed
expect violation use-after-free
