# The 4 KiB twin of mremap-thp-vs-migration.mms (issue 8, item 4):
# move_ptes clears the old PTE and sets the new one under both PTLs.
# remove_migration_ptes' walk is PVMW_SYNC: it takes the PTL before it
# looks at a PTE (map_pte: pte_offset_map_lock), so it sees the entry at
# the old place or at the new one. (try_to_migrate's walk is not
# PVMW_SYNC and peeks without the PTL, as the kernel's does: a PTE it
# misses only leaves the page mapped and the migration fails.) Without
# PVMW_SYNC in remove_migration_ptes, dfs:3 finds the entry left behind
# (schedule b115a21b16).
config nodes=2 mem=16M
thread main:
	mmap A 8K
	store A 0x1
	store A+0x1000 0x2
	spawn k
	mremap A 8K 8K maymove at=0x10000400000 as=B
	load B == 0x1
	load B+0x1000 == 0x2
kthread k:
	move-pages A 8K node=1
expect ok
