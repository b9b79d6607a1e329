# page-ref-unfreeze-relaxed (seed 000, patch 2/3: "mm/page_ref: Ensure
# page_ref_unfreeze is ordered against prior accesses", Will Deacon, 2017):
# page_ref_unfreeze must be a release. Here: the split of a huge tmpfs
# folio against a lockless page-cache lookup, on arm64. Under the xa_lock,
# with the THP's count frozen, __folio_split points each page's slot at
# its new folio (__xa_store, a release store), then unfreezes the head
# last ("Unfreeze @folio only after all page cache entries, which used to
# point to it, have been updated with new folios"):
#   1. k: split A: the PMD is zapped, the count frozen at 1 + 512;
#   2. t: stores to A+0x1ff000: the write fault's shmem_fault ->
#      filemap_get_entry reads slot 0x1ff: still the head;
#   3. k: slot 0x1ff := its new folio (pending), the head unfrozen with a
#      plain atomic_set: on arm64 the count may be seen first;
#   4. t: folio_try_get(head) succeeds; the slot reload still sees the head;
#   5. t: locks the head (once the split lets go), ->mapping unchanged:
#      maps folio_file_page(head, 0x1ff) - the head is order 0 now, so
#      page 0 - at A+0x1ff000, and its store lands in page 0: A+0 reads
#      0x33, and page 0x1ff never gets it.
# With atomic_set_release (the fix) the count is seen only after the slot
# store: the reload sees the new folio and the lookup retries.
config mem=32M thp=always arch=arm64 memory=arm64
thread main:
	memfd F 2M huge=always
	mmap A 2M file=F shared
	store A+0 0x11
	store A+0x1ff000 0x22
	spawn k t
thread k:
	split A
thread t:
	store A+0x1ff000 0x33
	load A+0 == 0x11
expect violation
