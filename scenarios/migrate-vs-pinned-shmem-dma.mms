# Migration of a pinned tmpfs page racing a device write through the pin
# (fuzz runner, racy seed 170910). try_to_migrate has no pin test for a
# file folio, so the page is unmapped although pinned; the kernel's
# __migrate_folio then refuses to copy a folio with references beyond
# the expected ones (-EAGAIN) and the pin keeps the page. Had the copy
# gone ahead, a DMA write after it and an unpin before the commit would
# leave the write in the old page (the model did that until session 11:
# a lost store after 269 default executions, dpor:2 at 100; now every
# schedule is clean: unbounded DPOR exhausts, 2,282). The page cache must hold
# the device's write at the end.
config mem=16M nodes=2
thread main:
	memfd F 0x1000
	mmap A 0x1000 file=F shared
	store A 0x11
	pin R A 0x1000 write longterm
	spawn t
	dma-write R+0x10 0x22
	unpin R
thread t:
	move-pages A 0x1000 node=1
expect ok
