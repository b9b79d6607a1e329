# kselftest mm/mkdirty.c test_page_migration: a dirty page made read-only,
# then migrated (the test's mbind(MPOL_LOCAL, MPOL_MF_MOVE); here
# move_pages(2) to node 0, the only node of a one-node host: the kernel
# may find nothing to move). Remapping it must not make it writable: the
# store faults and the page keeps its value.
config mem=4M
thread main:
	mmap A 4K
	fill A 4K 0x1
	mprotect A r
	move-pages A 4K node=0
	store A 0x2 faults
	check A 4K 0x1
	pagemap A == present,exclusive,anon
expect ok
