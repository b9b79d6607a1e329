# MADV_PAGEOUT races a GUP-fast FOLL_PIN and a store: an exclusive page
# that may be pinned is not unmapped (folio_try_share_anon_rmap_pte fails
# after the PTE was cleared), so DMA through the pin stays coherent with
# what the process reads.
config mem=16M swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn t
	pin P A 4K write fast
	dma-write P 0x7
	load A == 0x7
	unpin P
thread t:
	pageout A
expect ok
