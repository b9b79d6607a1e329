# kselftest mm/cow.c test_iouring_ro and test_iouring_fork: a R/W longterm
# pin (an io_uring fixed buffer on the host) must stay coherent with the
# process's page tables: across mprotect(PROT_READ) and back (no COW may
# replace the pinned page), and across fork (the pinned pages are copied
# for the child, never shared). The device writes through the pin too.
config mem=4M
thread main:
	mmap A 8K
	fill A 8K 0x1
	pin R A 8K write longterm
	mprotect A r
	mprotect A rw
	fill A 8K 0xff
	dma-read R == 0xff
	dma-read R+0x1000 == 0xff
	dma-write R+0x8 0x42
	load A+0x8 == 0x42
	fork child
	store A 0x7
	dma-read R == 0x7
	pagemap A 8K == present,exclusive
	wait-exit child
	unpin R
thread c in child:
	load A == 0xff
	load A+0x8 == 0x42
	pagemap A 8K == present,exclusive
	exit
expect ok
