# numa-protnone-no-flush (20841405940e, Rik van Riel: "mm: fix TLB
# flush race between migration, and change_protection_range").
# change_prot_numa makes the PTEs of a range PROTNONE and flushes the TLBs
# once, at the end of the range (the mmu_gather batch); NUMA balancing
# holds mmap_lock for read only, so a hinting fault and its migration
# can run inside that window. Migration's ptep_clear_flush flushes only
# an entry some TLB may hold (pte_accessible): before the fix a PROTNONE
# entry never counted, so:
#   1. w: stores to A, caching a writable translation;
#   2. s: change_prot_numa makes A's PTE PROTNONE; the flush is pending
#      while it walks the rest of the range;
#   3. f (node 1): its load faults on the PROTNONE PTE; do_numa_page
#      migrates the page: ptep_clear_flush skips the flush, the count is
#      frozen, the page copied, the new page mapped;
#   4. w: stores through its stale entry into the old page: lost (and
#      once the old page is freed, a store into a free page).
# The fix: pte_accessible() counts a PROTNONE entry while
# mm_tlb_flush_pending(), so step 3 flushes w's entry.
config nodes=2 mem=16M
thread main:
    mmap A 64K anon
    fill A 0 64K 0x11
    spawn w s f
thread w:
    store A 0x21
    store A 0x22
    store A 0x23
    store A 0x24
    load A == 0x24
thread f:
    load A+0x8
kthread s:
    numa-scan A 64K
expect violation
