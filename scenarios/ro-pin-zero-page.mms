# A short-term read-only FOLL_PIN of a page still mapped to the shared zero
# page stays on the zero page when the process later writes (the write
# fault COWs the zero page into a new anon page): gup_must_unshare
# (mm/internal.h) unshares non-anonymous pages only for FOLL_LONGTERM,
# "R/O short-term pinning does not have the semantics to observe
# successive changes". A FOLL_LONGTERM R/O pin unshares first, so it does
# see the write. Issue 8 item 11: the oracle reported pin-incoherent.
config mem=8M
thread main:
	mmap A 8K
	load A
	load A+0x1000
	pin R A 4K read
	pin L A+0x1000 4K read longterm
	spawn t
	store A 0x11
	store A+0x1000 0x22
	dma-read L == 0x22
	wait read
	unpin R
	unpin L
thread t:
	dma-read R
	signal read
expect ok
