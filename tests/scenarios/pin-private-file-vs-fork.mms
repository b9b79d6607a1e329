# The device writes through a pin of a private file mapping's COW copy
# while the process forks: the write must reach the process. The store
# makes A's page the process's anon copy of the file page; t pins it
# (GUP-fast, FOLL_WRITE) while main forks; main's next store copies the
# page if fork shared it with the child - the pinned page must then stay
# the parent's (fork copies a pinned page for the child, and GUP-fast
# gives up when fork's write_protect_seq moved). Then the device writes
# and main loads the word back: the runner judges the load against the
# copy's ghost, which the DMA write changed.
#
# A negative control of the runner (tests/t_runner.c): with the
# write_protect_seq check removed (--regress gup-fast-no-wp-seq) GUP-fast
# pins the page after fork decided to share it; main's store copies it
# away; the device's write lands in the child's page and main's load
# returns 0x1 - a lost-store. Until session 12 the runner did not follow
# a pinned private file page (runner_pin_unfollow) and found nothing.
config mem=8M
thread main:
	memfd F 4K
	mmap A 4K file=F private
	store A 0x1
	spawn t
	fork child
	wait pinned
	store A+0x8 0x2
	signal stored
	wait written
	load A
	load A+0x8 == 0x2
thread t:
	pin R A 4K write fast
	signal pinned
	wait stored
	dma-write R+0 0x77
	signal written
	dma-read R+0x8
	unpin R
expect ok
