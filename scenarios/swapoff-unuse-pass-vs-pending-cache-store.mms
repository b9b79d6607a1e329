# memory=tso: swapoff's try_to_unuse must not sleep on a swap-cache slot
# whose store it has not seen yet. A tmpfs page on swap: a hole punch
# frees its swap entry while a fault through another mapping swaps it in
# (the scenario shmem-punch-vs-swapin-vs-swapoff under store buffers).
# (1) The fault claims the slot (swapcache_prepare); (2) the punch frees
# the entry: the slot keeps only SWAP_HAS_CACHE; (3) the fault stores its
# folio into the swap-cache slot (pending in its store buffer) and bumps
# the model's swap_map generation; (4) swapoff's pass begins after the
# bump, finds no page-cache or PTE entry, reads the slot's old value
# (empty) and ends with the slot still in use; (5) the store becomes
# visible, which wakes nobody; the fault finds the hole and leaves its
# folio to the swap cache. The kernel's retry is a busy loop, whose next
# pass finds the folio and frees the slot; the model slept on
# si->unuse_wq for ever: a false deadlock, found by the default search
# (rff) after 6,830 executions (10,497 under memory=arm64). Now a pass
# that saw another CPU's store become visible begins again, and the wait
# is woken by the next one (sim_wait_visible, docs/deviations.md).
config memory=tso mem=16M swap=64K
thread main:
	memfd F 8K
	mmap A 8K file=F shared
	mmap B 8K file=F shared
	store A+0x1000 0x1
	pageout A 8K
	spawn t1 t2
	fallocate F 0x1000 4K
	wait d1
	load A+0x1000 == 0
thread t1:
	load B+0x1000
	signal d1
thread t2:
	swapoff
expect ok
