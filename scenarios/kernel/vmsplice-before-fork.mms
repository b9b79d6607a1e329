# kselftest mm/cow.c test_vmsplice_before_fork: the parent vmsplices
# (R/O reference), forks, unmaps; the child writes: the parent's pipe
# must keep the old values (the child's write fault copies).
config mem=4M
thread main:
	mmap A 4K
	fill A 4K 0x11
	pin R A 4K read get
	fork child
	wait child-ready
	munmap A 4K
	signal parent-ready
	wait-exit child
	dma-read R == 0x11
	unpin R
thread c in child:
	signal child-ready
	wait parent-ready
	fill A 4K 0xff
	check A 4K 0xff
	exit
expect ok
