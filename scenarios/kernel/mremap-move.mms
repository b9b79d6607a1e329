# mremap moves the pages, not their contents: the frames follow the new
# address, exclusive still; the old range is gone (a load faults).
config mem=8M
thread main:
	mmap A 8K
	fill A 8K 0x5
	pfn-mark m A
	mremap A 8K 16K maymove
	same-frame m A
	pagemap A 8K == present,exclusive
	pagemap A+0x2000 8K == !present
	check A 8K 0x5
	mmap B 4K
	store B 0x9
	munmap B 4K
	load B faults
expect ok
