# kselftest mm/gup_longterm.c / cow.c test_iouring_*: a R/W longterm pin
# (io_uring fixed buffers) of a private anon page, then a fork: the pinned
# page is not shared with the child (fork copies it), and the pin stays
# coherent with the parent's writes. The host side is an io_uring fixed
# buffer (raw system calls); mmsim kernel reports SKIP where the host has
# no io_uring.
config mem=4M
thread main:
	mmap A 4K
	store A 0x1
	pin R A 4K write longterm
	fork child
	store A 0x2
	dma-read R == 0x2
	unpin R
	wait-exit child
thread c in child:
	load A == 0x1
	exit
expect ok
