# two threads fault on one swap entry at once, on a synchronous device
# (zram-like, config swap_io=sync): the fault that skips the swap cache
# holds SWAP_HAS_CACHE (swapcache_prepare) until it has mapped its private
# copy (13ddaf26be32 "mm/swap: fix race when skipping swapcache"), so the
# other waits, then finds the PTE changed and retries. Both see the value
# written before the swap-out; a store by one is seen by the other after.
config mem=16M swap=16M swap_io=sync
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
