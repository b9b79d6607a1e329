# swapoff racing the swap-out of a tmpfs page (fuzz runner, racy seed
# 139797). shmem_writeout takes a swap slot, counts the entry the page
# cache will hold (swap_duplicate), then stores that entry in the page
# cache (shmem_delete_from_page_cache). A try_to_unuse pass that began in
# between finds the entry neither in the page cache (shmem_unuse) nor
# freeable in the swap cache (the page cache's count holds it), and its
# reference makes reclaim keep the folio in the swap cache. The kernel's
# try_to_unuse retries at once and finds the entry in the page cache; the
# model's waits for a change, and the page-cache store is one
# (shmem_slot_swapped). Before it, 377 default executions found a false
# deadlock here. The page keeps its value either way.
config mem=16M swap=64K
thread main:
	memfd F 0x1000
	mmap A 0x1000 file=F shared
	store A 0x11
	spawn t
	swapoff
	load A == 0x11
thread t:
	pageout A 0x1000
expect ok
