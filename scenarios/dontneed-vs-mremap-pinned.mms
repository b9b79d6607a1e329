# MADV_DONTNEED of a pinned page racing an mremap that moves it: the thread
# computed the region's address before the move. mmap_lock orders the two:
# the zap first (the pinned page is discarded, the device keeps it, the
# move carries an empty range) or the move first (the pinned page stays
# mapped at its new place, the zap hits the emptied old range). A store
# racing the move through the old address may move with the page or land
# in the old range. Found by random scenarios while fixing issue 8 items
# 10 and 12 (a pinned page's ghost followed the move).
config mem=8M
thread main:
	mmap A 8K
	store A 0x11
	store A+0x1000 0x12
	pin R A 8K write
	spawn t
	mremap A 8K 8K maymove dontunmap
	load A
	dma-read R
	dma-write R+0x1000 0x13
	load A+0x1000 == 0x13
	wait done
	dma-read R
	load A
	unpin R
thread t:
	madvise A 4K dontneed
	store A+0x8 0x14
	signal done
expect ok
