# gup-fast-vs-collapse: "mm: gup: fix the fast GUP race against THP
# collapse" (70cbc3cc78a9, Yang Shi, 2022). On arm64 the TLBI of
# pmdp_collapse_flush waits for no GUP-fast; the kernel of the bug had no
# tlb_remove_table_sync_one() IPI either (2ba99c5e0881 came later):
#   1. t: GUP-fast reads A's PMD (the PTE table T) and A's PTE;
#   2. k: collapse: clears the PMD and flushes, finds A's page unpinned
#      (refcount == mapcount) and isolates it;
#   3. t: grabs the page, re-checks the PTE in T: unchanged (pinned);
#   4. k: copies the page into the THP, clears T's PTEs, maps the THP;
#   5. t: the device writes through the pin into the old page; the
#      process reads the THP: the pin is incoherent.
# The fix re-checks the PMD too: it changed in 2, t lets go and the slow
# path pins the THP.
config arch=arm64 thp=never
thread main:
	mmap A 2M
	store A 0x11
	spawn t k
thread t:
	pin P A 4K write fast
	dma-write P 0x77
	load A == 0x77
	unpin P
kthread k:
	collapse A
expect violation lost-store
