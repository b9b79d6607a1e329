# seed 004: migrate_vma collecting a page must carry the dirty bit of the
# cleared PTE to the folio, or a store made through a stale TLB entry is
# lost when the page comes back from the device.
config mem=16M swap=16M device=8M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn t1 drv
thread t1:
	store A 0x2
	signal stored
kthread drv:
	device-migrate A to=device
	wait stored
	device-migrate A to=system
	pageout A
	swapin A
expect ok
