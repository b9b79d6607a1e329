config mem=4M
thread main:
	mmap A 16K
	mmap B 4K prot=none
	load B faults
	store B 0x9 faults
	pagemap A 4K == !present,soft-dirty
	store A 0x1
	pagemap A 4K == present,exclusive,anon,!thp
	pfn-mark a0 A
	fork child
	pagemap A 4K == present,!exclusive
	wait-exit child
	pagemap A 4K == present,exclusive
	store A 0x2
	same-frame a0 A
	mprotect A 4K r
	store A 0x3 faults
	load A == 0x2
	load A+0x1000
	pagemap A+0x1000 4K == present,zero,!exclusive
thread c in child:
	store A 0x5
	other-frame a0 A
	exit
expect ok
