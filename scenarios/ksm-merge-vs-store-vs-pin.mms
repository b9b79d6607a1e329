# ksmd's two full scans merge identical pages while the process stores to
# one and a device holds a R/O pin (GUP-fast) on the other: the pinned
# page is never merged (write_protect_page's count check, and
# folio_try_share_anon_rmap_pte fails on a page that may be pinned), a
# pin taken after the merge unshares the KSM page first, and the store
# copies the KSM page if it was merged. The device reads through the pin
# what the process wrote to that page; nothing else changes.
thread main:
	mmap A 12K
	madvise A mergeable
	store A 0x7
	store A+0x1000 0x7
	store A+0x2000 0x7
	spawn ksmd t
	store A 0x8
	wait pinned
	store A+0x1000 0x9
	dma-read P == 0x9
	unpin P
	load A == 0x8
	load A+0x2000 == 0x7
thread t:
	pin P A+0x1000 4K read fast
	signal pinned
kthread ksmd:
	ksmd 2
expect ok
