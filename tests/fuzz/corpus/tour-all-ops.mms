config mem=64M nodes=2 cpus=4 swap=32M device=16M thp=madvise
config thp_numa=legacy regress=thp-numa-count-recheck,exec-stack-rmap-miss steps=50000 seed=7
process other
thread main:
	mmap A 4M anon private thp populate prot=rw node=0
	mmap S 64K growsdown
	mmap F 2M file shared nothp locked at=0x40000000
	mmap X 8K prot=none
	mprotect A 2M r
	mprotect A+0x200000 rwx
	madvise A dontneed
	madvise A 4K populate-write
	mremap X 8K 16K maymove at=0x50000000 as=Y
	mremap A 8M maymove
	load A
	load A+8 == 0
	store A+0x10 0xdeadbeef
	fill A+0x1000 4K 0x1
	check A 0x1000 4K 0x1
	pin R A 8K read slow longterm get
	dma-read R+8 == 0
	dma-write R 5
	unpin R dirty
	move-pages A 4K node=1
	numa-migrate A
	numa-scan A 2M
	pageout A+0x1000 4K
	reclaim 16
	reclaim
	swapin A
	compact node=1
	compact
	collapse A+0x200000
	split A pmd
	split A+0x1000
	ksm-merge A 8K
	device-migrate A 4K to=device
	device-migrate A 4K to=system
	signal go
	spawn t k
	fork child
	munmap S
	exec args=8K
	mmap N 4K
	load N
	exit
thread t:
	wait go
	load A@init+0x40
kthread k:
	pageout A@child
	split A folio
thread c in child:
	load A == 0
	mmap C 4K
	fork gc
thread g in gc:
	load C
	load A
thread o in other:
	mmap O 4K shared anon
	store O 1
expect violation lost-store
