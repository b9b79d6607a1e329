# The 6.18 behaviour of issue 13: a write fault on a PTE-mapped large anon
# folio that only this process maps, with no other reference, reuses the
# page in place (__wp_can_reuse_large_anon_folio) instead of copying it.
# Before, every write fault on a large folio copied. cow.c's THP cases
# reach this state: fork shares the THP, the parent's first write splits
# its PMD, then the child exits.
config mem=16M
thread main:
	mmap A 2M thp
	fill A 2M 0x11
	fork child
	wait child-ready
	store A 0x22
	signal parent-ready
	wait-exit child
	pagemap A+0x1000 4K == present,thp,exclusive,!pmd
	pfn-mark m A+0x1000
	store A+0x1000 0x33
	same-frame m A+0x1000
	pagemap A+0x1000 4K == present,thp,exclusive
	load A+0x1000 == 0x33
	load A+0x2000 == 0x11
thread c in child:
	signal child-ready
	wait parent-ready
	load A+0x1000 == 0x11
	exit
expect ok
