# After `mremap ... maymove` moves a region, its name follows it: A is the
# new address (the old one is unmapped). A pin of a moved page follows the
# page (move_page_tables moves the entries; the pinned page stays mapped,
# at the new address). `mmap ... at=` maps exactly there (MAP_FIXED).
# Issue 8 item 12: the runner kept using the old address and ignored at=.
config mem=8M
thread main:
	mmap A 8K at=0x200000000
	mmap B 4K at=0x200003000
	store A 0x11
	store B 0x33
	pin R A 4K write
	mremap A 8K 64K maymove
	load A == 0x11
	load B == 0x33
	dma-write R 0x22
	load A == 0x22
	store A+0xf000 0x44
	mremap A 64K 64K maymove at=0x300000000
	load A == 0x22
	load A+0xf000 == 0x44
	unpin R
	spawn k
	wait moved
	load A == 0x22
kthread k:
	move-pages A 64K node=0
	signal moved
expect ok
