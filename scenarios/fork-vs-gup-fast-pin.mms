# fork racing a GUP-fast R/W pin on another thread of the parent
# (mm/gup.c: write_protect_seq). Whatever the interleaving, the pin must
# stay coherent with the parent: the device's write through the pin is a
# store by the parent, and the child sees the page as it was at fork (the
# DMA write may or may not reach it if it races with the fork).
#
#   main: fork             t: pin A write fast; dma-write 0x77; unpin
#   then: main loads A == the DMA'd value; the child never sees a later
#         parent store.
config mem=8M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn t
	fork child
	wait pinned
	load A == 0x77
	store A 0x2
thread t:
	pin R A 4K write fast
	dma-write R+0 0x77
	unpin R
	signal pinned
thread c in child:
	load A
	store A+8 0x3
	load A+8 == 0x3
expect ok
