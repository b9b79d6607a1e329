config nodes=2
thread main:
	mmap A 8K
	store A+0x2000 1
	munmap A+0x1000 8K
	store A+3 1
	collapse A
	move-pages A node=2
	mremap A 16K at=0x100000
	device-migrate A to=device
expect ok
