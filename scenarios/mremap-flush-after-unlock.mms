# mremap-flush-after-unlock: CVE-2018-18281, "mremap: properly flush TLB
# before releasing the page" (eb66ae030829, Linus Torvalds, 2018). mremap
# does not own the pages it moves; before the fix move_ptes flushed the
# old addresses only after dropping the page-table locks:
#   1. r: loads A: its CPU caches the translation of A;
#   2. m: mremap of A (dontunmap: the old range stays mapped, empty):
#      move_ptes clears A's PTE, sets it at C, drops the PTLs;
#   3. k: truncate F to 0: unmap_mapping_range finds the page at C, zaps
#      it (flushing C's address only), and frees it;
#   4. r: loads A again through its stale TLB entry: a freed page.
#   5. m: flushes A - too late.
# With the fix, 2 flushes A before the PTLs go: r's second load walks
# the (empty) old range, faults, and finds the file truncated (SIGBUS,
# past EOF) or the page still cached.
thread main:
	memfd F 4K
	mmap A 4K file=F shared
	store A 0x11
	spawn r m k
thread r:
	load A
	load A
thread m:
	mremap A 4K 4K maymove dontunmap as=C
kthread k:
	truncate F 0
expect violation
