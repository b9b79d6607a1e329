# seed 001: PG_anon_exclusive keeps a R/O long-term pin reliable across
# fork: after the parent pins a page and forks, a write by the parent must
# not move its page away from the pin (the pinned page stays exclusive, so
# fork copies it for the child instead of sharing it).
config mem=8M
thread main:
	mmap A 4K anon
	store A 0x1
	pin R A 4K read longterm
	fork child
	store A 0x2
	dma-read R == 0x2
	unpin R
thread c in child:
	load A == 0x1
expect ok
