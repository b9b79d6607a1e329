# Reclaim vs a GUP-fast pin vs a user store on one page (issue 11's
# clean scenario): t pages the page out (MADV_PAGEOUT: try_to_unmap
# refuses a pinned exclusive page - clearing PG_anon_exclusive fails -
# so either the pin comes first and the page stays, or the unmap comes
# first and the pin faults the page back in); u stores to another word
# of the same page meanwhile. The device's write through the pin and
# u's store must both be seen afterwards, whichever way it went.
config mem=16M swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	store A+0x8 0x2
	spawn t u
	pin P A 4K write fast
	dma-write P 0x7
	load A == 0x7
	unpin P
	wait stored
	load A+0x8 == 0x3
thread t:
	pageout A
thread u:
	store A+0x8 0x3
	signal stored
expect ok
