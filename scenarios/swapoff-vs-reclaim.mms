# swapoff against reclaim and a swap-in: reclaim may have taken a slot
# before SWP_WRITEOK went and unmaps A+4K into it behind swapoff's walk;
# a fault swaps A in at the same time. swapoff brings everything back;
# the data is the data.
config mem=16M swap=64K
thread main:
	mmap A 8K anon
	store A 0x1
	store A+4K 0x2
	pageout A 4K
	spawn k r
	load A == 0x1
	store A 0x3
	load A+4K == 0x2
kthread k:
	swapoff
kthread r:
	pageout A+4K 4K
expect ok
