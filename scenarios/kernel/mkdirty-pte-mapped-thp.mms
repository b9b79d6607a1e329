# kselftest mm/mkdirty.c test_pte_mapped_thp: a THP, written once (dirty
# PMD), made read-only, then PTE-mapped by an mprotect of its last page
# back to read-write. Splitting the PMD must not make the other PTEs
# writable: a store to the first page faults and leaves it unchanged.
config mem=16M
thread main:
	mmap A 2M thp
	fill A 4K 0x1
	mprotect A 2M r
	pagemap A+0x1ff000 4K == present,thp
	mprotect A+0x1ff000 4K rw
	store A 0x2 faults
	load A == 0x1
	pagemap A 4K == present,thp,!pmd
expect ok
