thread main:
	mmap A 8K
	pin R A 4K read
	unpin R
	dma-read R
	wait go
	signal go
	munmap A
	load A
	exit
	compact
expect ok
