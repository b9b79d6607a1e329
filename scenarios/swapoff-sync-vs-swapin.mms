# swapoff against two swap-ins of one entry on a synchronous device
# (zram-like): the fault that skips the swap cache holds SWAP_HAS_CACHE
# without a cache folio; swapoff's walk waits for it, and the other
# fault waits for it too, then retries on what swapoff mapped. MADV_WILLNEED
# (swapin) reads ahead at the same time.
config mem=16M swap=64K swap_io=sync
thread main:
	mmap A 4K anon
	store A 0x1
	pageout A
	spawn t k
	load A == 0x1
	store A 0x2
thread t:
	swapin A
	load A
kthread k:
	swapoff
expect ok
