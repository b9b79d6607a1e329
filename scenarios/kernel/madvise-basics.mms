# User-visible effects of madvise: DONTNEED zaps (reads zero, not
# present), FREE keeps the data until reclaim, DONTFORK hides the range
# from the child (it faults there), WIPEONFORK gives the child zeroes.
config mem=8M
thread main:
	mmap A 16K
	fill A 16K 0x7
	madvise A 4K dontneed
	pagemap A 4K == !present
	load A == 0
	madvise A+0x1000 4K free
	pagemap A+0x1000 4K == present
	madvise A+0x2000 4K dontfork
	madvise A+0x3000 4K wipeonfork
	fork child
	wait-exit child
	load A+0x2000 == 0x7
thread c in child:
	load A+0x2000 faults
	pagemap A+0x3000 4K == !present
	load A+0x3000 == 0
	load A+0x1000 == 0x7
	exit
expect ok
