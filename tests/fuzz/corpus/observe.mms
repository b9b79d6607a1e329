config mem=4M
thread main:
	mmap A 16K
	mmap B 4K prot=none
	load B faults
	store B 0x9 faults
	fill B 4K 0x1 faults
	check B 4K 0x1 faults
	store A 0x1
	pagemap A 4K == present,exclusive,anon,!thp,!pmd,!ksm,!zero,soft-dirty,!swapped
	pfn-mark a0 A
	fork child
	wait-exit child
	same-frame a0 A
thread c in child:
	other-frame a0 A
	exit
expect ok
