# MADV_FREE of two pages of a THP (the PMD is split, then the folio, with
# the PTL dropped: trylock, reference, split_folio) races a store into
# one of them, then pageout drops the clean lazyfree pages: the store
# lands before the split, between the split and the lazyfree marking, or
# after; a page written after MADV_FREE cleaned it is never dropped, one
# written before may read zero afterwards; the pages outside the range
# keep their data. (Reclaim of the whole THP alongside costs ~10 ms an
# execution: docs/swap.md has its figures.)
config mem=16M swap=16K thp=always
thread main:
	mmap A 2M
	store A 0x1
	store A+0x1000 0x2
	store A+0x3000 0x4
	spawn t
	store A+0x1000 0x3
	wait freed
	pageout A 8K
	load A
	load A+0x1000
	load A+0x3000 == 0x4
thread t:
	madvise A 8K free
	signal freed
expect ok
