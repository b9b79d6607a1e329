# a page fork shared is swapped out from both processes (reclaim, through
# rmap), then each swaps it in: the first fault reads it into the swap
# cache and maps it not exclusive, so the folio gets the root anon_vma
# (__folio_set_anon), which both processes' VMAs are linked to; the
# second finds it in the cache. A later store COWs in the child only.
config mem=16M swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	fork child
	wait forked
	reclaim
	signal paged
	load A == 0x1
	pageout A
	reclaim
	load A == 0x1
thread c in child:
	signal forked
	wait paged
	load A == 0x1
	store A 0x5
	load A == 0x5
expect ok
