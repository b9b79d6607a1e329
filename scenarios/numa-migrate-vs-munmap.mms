# numa-migrate racing munmap (issue 8, item 1): the NUMA hinting faults of
# `numa-migrate` are those of a task touching the range. Its fault finds
# the VMA and walks the page tables under mmap_lock (do_user_addr_fault);
# munmap frees the tables (free_pgtables) under the write lock, only where
# no VMA is left. So the walk either finds no VMA or live tables: never a
# freed table. (mmsim used to peek the tables without mmap_lock and read a
# freed, poisoned PMD table: SIGSEGV; a read of a freed table is now a
# reported use-after-free.)
config mem=8M
thread main:
	mmap A 16K
	fill A 0 16K 0x11
	spawn k
	munmap A
kthread k:
	numa-migrate A 16K node=0
expect ok
