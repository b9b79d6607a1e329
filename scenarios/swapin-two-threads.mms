# two threads fault on one swap entry at once, on a normal swap device:
# one reads the slot into the swap cache (swapcache_prepare), the other
# finds the folio there, or waits while SWAP_HAS_CACHE is held; both see
# the value written before the swap-out, and a store by one is seen by
# the other afterwards.
config mem=16M swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	pageout A
	spawn t
	load A == 0x1
	store A 0x2
thread t:
	load A
	load A
expect ok
