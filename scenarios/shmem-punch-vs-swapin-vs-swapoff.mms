# A tmpfs page on swap: a hole punch frees its swap entry while a fault
# through another mapping reads it back and swapoff brings every page of
# the device back. The fault's swap-in may have claimed the slot
# (swapcache_prepare) before the punch freed the entry: its re-check of
# the page-cache slot under the folio lock fails and it looks again (a
# hole now: a new zeroed page), leaving its read-in folio to the swap
# cache alone, which swapoff's try_to_unuse must still find and drop. The
# punched page reads zero in the end; nothing leaks, nothing deadlocks.
config mem=16M swap=64K
thread main:
	memfd F 8K
	mmap A 8K file=F shared
	mmap B 8K file=F shared
	store A+0x1000 0x1
	pageout A 8K
	spawn t1 t2
	fallocate F 0x1000 4K
	wait d1
	load A+0x1000 == 0
thread t1:
	load B+0x1000
	signal d1
thread t2:
	swapoff
expect ok
