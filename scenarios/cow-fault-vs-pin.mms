# A COW write fault in the parent racing a R/O FOLL_PIN of the same page on
# another thread (seed 001: the pin must end up on the page the parent
# maps, whichever side wins, so a later store is seen through the pin).
config mem=8M
thread main:
	mmap A 4K anon
	store A 0x1
	fork child
	spawn t
	store A 0x2
	wait pinned
	store A 0x3
	signal stored
thread t:
	pin R A 4K read
	signal pinned
	wait stored
	dma-read R == 0x3
	unpin R
thread c in child:
	load A == 0x1
expect ok
