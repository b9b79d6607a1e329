# shmem swap-out vs fault: one task pages a shared memfd page out
# (MADV_PAGEOUT: try_to_unmap, shmem_writeout turns the page-cache slot
# into a swap entry and moves the folio to the swap cache, then
# __remove_mapping frees it) while two others store and load the same
# file page through another mapping and through the pager's own. A fault
# meets the folio locked and waits, then finds it gone from the page
# cache (->mapping changed: retry), the swap entry in the slot, and the
# folio in the swap cache or on swap (shmem_swapin_folio: the lookup,
# the re-check of the slot under the folio lock, the add back in place of
# the entry). The store is never lost; every mapping reads the same page.
config mem=16M swap=64K
thread main:
	memfd F 4K
	mmap A 4K file=F shared
	mmap B 4K file=F shared
	store A+0 0x1
	spawn t1 t2
	pageout A 4K
	wait d1
	wait d2
	load A+0 == 0x2
	load B+0 == 0x2
thread t1:
	store B+0 0x2
	signal d1
thread t2:
	load A+0
	load B+0
	signal d2
expect ok
