# reclaim races fork: a page swapped out before the fork is shared by the
# child through its swap entry (swap_duplicate); one swapped out after is
# unmapped from both through rmap. Each side keeps its own values.
config mem=16M swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn t
	fork child
	store A 0x2
	load A == 0x2
thread t:
	pageout A
	reclaim
thread c in child:
	load A == 0x1
expect ok
