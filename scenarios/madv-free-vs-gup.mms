# reclaim of a MADV_FREE page races a direct IO read into it (6c8e2a256915
# "mm: fix race between MADV_FREE reclaim and blkdev direct IO read"): the
# IO takes GUP-fast pins on the clean lazyfree page and marks it dirty
# only when it completes. Reclaim between the two must see the extra
# reference and keep the page; the old code looked at PG_dirty only and
# dropped the PTE, so the IO's data landed in a page the process no
# longer maps and its next load read zero (lost-store). The verdict is
# the one with --regress madv-free-vs-gup; with the fix it is clean.
config mem=16M swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	madvise A 4K free
	spawn k
	pin P A 4K write fast
	dma-write P 0x79
	unpin P dirty
	load A == 0x79
kthread k:
	reclaim
expect violation lost-store
