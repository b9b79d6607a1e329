# split_huge_page racing a GUP-fast pin (issue 11). The splitter
# (1) invalidates and flushes the PMD, (2) checks for pins before it
# shares the exclusive page (folio_try_share_anon_rmap_pmd; a pin makes
# it split without freezing), (3) checks the count (can_split_folio, then
# folio_ref_freeze at exactly its own reference). GUP-fast (1) takes its
# reference, (2) re-checks the PMD/PTE and drops it if it changed, and
# retries when the folio was split under it (page_folio changed). Either
# the split fails (-EAGAIN) with the folio whole and the pin on it, or the
# pin lands on the page's new order-0 folio: DMA through the pin stays
# coherent with what the process reads.
config thp=always
thread main:
	mmap A 2M
	store A+0x1000 0x2
	spawn k
	pin P A+0x1000 4K write fast
	dma-write P 0x77
	load A+0x1000 == 0x77
	unpin P
kthread k:
	split A
expect ok
