# MADV_COLLAPSE of a tmpfs range racing a GUP-fast write pin and a fault
# through another shared mapping. collapse_file (1) unmaps each small
# page (try_to_unmap, flush batched), (2) refuses one whose count shows
# more than its own, the page cache's and the isolation's references,
# (3) copies; GUP-fast (1) grabs the page it read, (2) re-checks the PTE
# and lets go if it changed. Either the pin comes first and the collapse
# fails (the page stays), or GUP-fast falls back to the slow path and
# pins the page the cache holds afterwards: the device's write through
# the pin is what every mapping reads. u's store to a hole may fill it
# first (the collapse then rolls back) or fault in the huge folio after.
config shmem_enabled=never
thread main:
	memfd F 2M
	mmap A 2M file=F shared
	mmap B 2M file=F shared
	store A+0x1000 0x11
	spawn g u k
thread g:
	pin P A+0x1000 4K write fast
	dma-write P 0x77
	load B+0x1000 == 0x77
	unpin P
thread u:
	store B+0x2000 0x22
	load A+0x2000 == 0x22
kthread k:
	collapse A
expect ok
