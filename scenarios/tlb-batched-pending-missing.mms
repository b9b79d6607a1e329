# tlb-batched-pending-missing (3ea277194daa, "mm, mprotect: flush TLB if
# potentially racing with a parallel reclaim leaving stale TLB entries";
# the race Nadav Amit described for reclaim). Migration batches its TLB
# flushes (7e12beb8ca2a, "migrate_pages: batch flushing TLB"): move_pages'
# first, asynchronous pass clears the PTE (a migration entry) and leaves
# the flush to try_to_unmap_flush() before the copy.
#   1. t: stores to A: its TLB caches the writable entry;
#   2. k: try_to_migrate: A's PTE becomes a migration entry, flush
#      deferred (t still holds the old entry);
#   3. main: MADV_DONTNEED: zap_pte_range clears the migration entry; a
#      non-present entry adds nothing to the zap's flush, so only
#      flush_tlb_batched_pending() (under the PTL) removes t's entry;
#   4. t: stores again - without 3's flush, through its stale entry into
#      the old page, which no mapping reaches any more: main's load reads
#      a fresh zero page after t's store (a lost store).
config nodes=2 mem=16M
thread main:
	mmap A 4K
	store A 0x11
	spawn t k
	wait started
	madvise A 4K dontneed
	wait stored
	load A
thread t:
	store A 0x22
	signal started
	store A 0x33
	signal stored
kthread k:
	move-pages A 4K node=1
expect violation lost-store
