# mremap moves a THP under migration (issue 8, item 4). move_pages
# migrates the THP without mmap_lock (the kernel's do_pages_move drops it
# before migrate_pages), so its PMD migration entry can be moved by
# move_huge_pmd, which clears the old PMD and sets the new one under both
# PMD locks, without the anon_vma lock (need_rmap_locks is false: the new
# VMA comes after the old one in the anon_vma's pgoff order).
# remove_migration_ptes walks with PVMW_SYNC: at a none PMD where a THP
# fits it takes and drops the PMD lock, so it cannot look at the old PMD
# and then the new one both inside the clear->set gap; visiting the old
# VMA first, it finds the entry at one place or the other. (mmsim's walk
# used to peek at both PMDs without a lock and could miss both, leaving
# the entry behind: dfs:3 found it, schedule b4133a11b12.)
config nodes=2 mem=16M thp=always
thread main:
	mmap A 2M
	store A 0x1
	store A+0x1000 0x2
	spawn k
	mremap A 2M 2M maymove at=0x10000400000 as=B
	load B == 0x1
	load B+0x1000 == 0x2
kthread k:
	move-pages A 2M node=1
expect ok
