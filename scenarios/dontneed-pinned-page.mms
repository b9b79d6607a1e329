# MADV_DONTNEED of a page with a FOLL_PIN on it: the zap unmaps the page,
# the pin keeps it alive for the device, and the process's next touch
# faults in a fresh zero page. The two are never coherent again: the
# device reads the old contents and its writes do not reach the process,
# whose writes do not reach the device (the kernel promises nothing after
# the user discarded the range). Page 2 of the pin is not discarded and
# stays coherent. Issue 8 item 10: the oracle reported pin-incoherent.
config mem=8M
thread main:
	mmap A 8K
	store A 0x11
	store A+0x1000 0x12
	pin R A 8K write
	spawn t
	madvise A 4K dontneed
	load A == 0x0
	dma-read R == 0x11
	dma-write R 0x33
	load A == 0x0
	store A 0x44
	dma-read R == 0x33
	store A+0x1000 0x55
	dma-read R+0x1000 == 0x55
	wait stored
	dma-read R+0x1008
	unpin R
thread t:
	store A+0x1008 0x66
	store A+8 0x77
	signal stored
expect ok
