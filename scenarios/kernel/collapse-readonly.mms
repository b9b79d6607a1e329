# MADV_COLLAPSE of a range with no writable PTE: 6.18 collapses it (Dev
# Jain's "mm: Enable khugepaged to operate on non-writable VMAs" drops
# SCAN_PAGE_RO). After fork both processes map the parent's two pages
# read-only; the parent's collapse copies them into a new THP (the holes
# read zero), the child keeps the small pages, now mapped by it alone
# (pagemap: exclusive). A read of a THP-eligible range maps the huge
# zero page; a PMD split of it (DONTNEED of one page) leaves zero-page
# PTEs and a hole, which collapse too. The model refused both
# (SCAN_PAGE_RO) before.
config mem=16M thp=madvise
thread main:
	mmap A 2M
	store A+0x1000 0x11
	store A+0x5000 0x55
	fork c
	collapse A
	pagemap A 2M == present,thp,exclusive,anon
	load A+0x1000 == 0x11
	load A+0x9000 == 0
	mmap T 2M thp
	load T+0x15000 == 0
	madvise T+0x3000 4K dontneed
	collapse T
	pagemap T 2M == present,thp,exclusive,anon
	load T+0x3000 == 0
	signal go
thread c in c:
	wait go
	load A+0x1000 == 0x11
	pagemap A+0x1000 4K == present,!thp,exclusive,anon
	pagemap A+0x2000 4K == !present
expect ok
