# MADV_COLD of a PTE-mapped THP that another process maps too: 6.18
# leaves it alone (madvise_cold_or_pageout_pte_range: a large folio no
# single batch of PTEs maps whole is split only if not
# folio_maybe_mapped_shared, which asks whether another MM maps it).
# Here the parent maps 510 pages, the child 1: 511 mappings, fewer than
# pages, so the model's old test (mapcount above the number of pages)
# took it for exclusive and split it.
config mem=16M thp=madvise
thread main:
	mmap A 2M thp
	store A 0x1
	madvise A+0x1000 8K dontneed
	fork c
	wait gone
	madvise A 2M cold
	pagemap A 4K == present,thp
	load A == 0x1
	signal done
thread c in c:
	munmap A+0x2000 0x1fe000
	signal gone
	wait done
expect ok
