# MADV_FREE then a store that re-dirties the page, racing reclaim: reclaim
# may discard the clean lazyfree page (a load then reads zero, oracle R6)
# but never a page written after the MADV_FREE.
config mem=16M swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	store A+8 0x5
	madvise A 4K free
	spawn t
	store A 0x2
	load A == 0x2
	load A+8
thread t:
	reclaim
expect ok
