# A tmpfs page mapped shared by two processes is migrated (move_pages)
# while both store to it and read each other's stores: the rmap walk
# goes through the file's i_mmap, the page cache slot moves to the new
# folio at the point of no return, and no store may be lost.
config nodes=2 mem=16M
thread main:
	memfd F 8K
	mmap A 8K file=F shared
	store A+0 0x1
	fork child
	spawn m
	store A+0x8 0x2
	wait stored
	load A+0x10 == 0x3
	load A+0 == 0x1
thread c in child:
	store A+0x10 0x3
	signal stored
	load A+0x8
kthread m:
	move-pages A 4K node=1
expect ok
