# khugepaged collapse racing stores to the range (mm/khugepaged.c). The
# collapse (1) takes mmap_lock for write, (2) clears the PMD and flushes
# (pmdp_collapse_flush), (3) checks and isolates the pages, (4) copies
# them into the THP, (5) maps the THP with a huge PMD. A store either
# lands before (1) - it is copied - or faults on the cleared PMD, waits
# for mmap_lock and lands in the THP; one that hit a stale TLB entry
# before the flush is done before the copy reads. No store is lost.
config thp=never
thread main:
	mmap A 2M
	store A+0x1000 0x11
	store A+0x3000 0x33
	spawn t k
thread t:
	store A+0x1000 0x22
	load A+0x1000 == 0x22
	store A+0x2000 0x44
	load A+0x3000 == 0x33
kthread k:
	collapse A
expect ok
