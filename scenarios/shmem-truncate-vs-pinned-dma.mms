# A page pinned through a MAP_SHARED mapping while the file is truncated
# and grown back: the pin keeps the page the file lost, and the device's
# write lands in it - before the truncate (which then zaps the file's
# copy) or after (the file never sees it). The file reads zero there
# either way; the device reads back what it wrote. Until session 9 the
# oracle kept counting the DMA as a store to the file: a false lost-store.
config mem=8M
thread main:
	memfd F 8K
	mmap A 8K file=F shared
	store A+0x1000 0x1
	pin P A+0x1000 4K write
	spawn t
	truncate F 4K
	truncate F 8K
	wait done
	load A+0x1000 == 0x0
	unpin P
thread t:
	dma-write P 0x77
	dma-read P == 0x77
	signal done
expect ok
