# A split of an anon THP maps each page that holds only zeros to the
# shared zero page and frees it (2024's "mm: remap unused subpages to
# shared zeropage when splitting isolated thp", release not verified:
# remap_page with RMP_USE_SHARED_ZEROPAGE). MADV_PAGEOUT with no swap splits the THP
# (shrink_folio_list: no swap slot for it, split_folio_to_list, no slot
# for the pages either): the page with data stays an exclusive anon page,
# the other 511 read zero from the zero page until a write copies it.
# Before the model did this it kept all 512 pages mapped.
config mem=16M thp=madvise
thread main:
	mmap T 2M thp
	store T 0x1
	pagemap T 2M == present,thp,exclusive,anon
	madvise T 2M pageout
	pagemap T 4K == present,!thp,exclusive,anon
	pagemap T+0x1000 2044K == present,zero,!anon,!exclusive
	load T+0x1000 == 0
	store T+0x1000 0x2
	pagemap T+0x1000 4K == present,exclusive,anon,!zero
	load T == 0x1
expect ok
