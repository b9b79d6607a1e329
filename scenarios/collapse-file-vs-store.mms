# MADV_COLLAPSE of a tmpfs range (collapse_file) racing stores through
# two shared mappings of the file: t stores to a page the collapse copies
# and reads another, u stores to a hole (its fault may fill the hole
# before the collapse checks it: SCAN_PAGE_FILLED, rolled back). Each
# store lands in the page the cache holds at the end (the old page was
# unmapped, flushed and locked before the copy; a fault waits for the
# lock and finds the huge folio), and every load sees it.
config shmem_enabled=never
thread main:
	memfd F 2M
	mmap A 2M file=F shared
	mmap B 2M file=F shared
	store A+0x1000 0x11
	store A+0x2000 0x22
	spawn t u k
	wait done
	wait tdone
	wait udone
	load A+0x1000 == 0x33
	load A+0x3000 == 0x44
	load B+0x2000 == 0x22
thread t:
	store B+0x1000 0x33
	load B+0x2000 == 0x22
	signal tdone
thread u:
	store B+0x3000 0x44
	signal udone
kthread k:
	collapse A
	signal done
expect ok
