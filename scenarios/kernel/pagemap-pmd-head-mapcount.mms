# pagemap's PM_MMAP_EXCLUSIVE of a PMD-mapped THP (found by t_kdiff, seed
# 11): after fork both map the THP by a PMD; the child's write fault
# splits its own PMD and copies one page (not the first). The parent
# still maps the whole THP by its PMD, but 6.18 (CONFIG_PAGE_MAPCOUNT)
# reads each page's bit from the head page's precise mapcount, which the
# child's PTE still counts: not exclusive. Before the fix the model said
# exclusive (its rule was "one PMD mapping").
config mem=16M thp=madvise
thread main:
	mmap A 2M thp
	store A 1
	pagemap A 2M == present,thp,exclusive
	fork child
	wait child-wrote
	pagemap A 2M == present,thp,!exclusive
	signal parent-looked
	wait-exit child
	pagemap A 2M == present,thp,exclusive
thread c in child:
	store A+0x11a000 2
	pagemap A 4K == present,thp,!exclusive
	pagemap A+0x11a000 4K == present,exclusive,!thp
	signal child-wrote
	wait parent-looked
	exit
expect ok
