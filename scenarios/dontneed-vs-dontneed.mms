# Two threads MADV_DONTNEED the same page under mmap_lock read: one
# clears the PTE and batches its TLB flush, the other finds the PTE empty
# and flushes nothing. tlb_finish_mmu sees the other gather in progress
# (mm_tlb_flush_nested) and flushes the whole mm, so a load after madvise
# returns reads zero, never the zapped page through a stale TLB entry
# (kernel commit 99baac21e458, "mm: fix MADV_[FREE|DONTNEED] TLB flush
# miss problem"). Found by random scenarios while fixing issue 8 item 9:
# the model had no tlb_flush_pending.
config mem=8M
thread main:
	mmap A 4K
	spawn t
	store A 0x11
	madvise A 4K dontneed
	load A == 0x0
thread t:
	load A
	madvise A 4K dontneed
expect ok
