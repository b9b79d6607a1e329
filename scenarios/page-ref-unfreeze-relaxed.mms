# page-ref-unfreeze-relaxed (seed 000, patch 2/3: "mm/page_ref: Ensure
# page_ref_unfreeze is ordered against prior accesses", Will Deacon, 2017):
# the legacy THP NUMA migration freezes the old THP's count at 2, installs
# the new PMD and unfreezes. GUP-fast pins through the old PMD it read
# earlier: its folio_try_get fails while the count is frozen and succeeds
# after; its re-check of the PMD must then see the new PMD. A plain
# atomic_set (the old page_ref_unfreeze) lets the count become visible
# before the new PMD on arm64: the re-check sees the old entry, the pin
# lands on the old THP, and the device's write is lost.
config nodes=2 mem=32M thp=always thp_numa=legacy memory=arm64
thread main:
	mmap A 2M anon thp
	fill A 0 2M 0x11
	spawn t k
	wait pinned
	load A+0x1000 == 0x77
thread t:
	pin R A+0x1000 4K write fast
	dma-write R+0 0x77
	unpin R
	signal pinned
kthread k:
	numa-migrate A node=1
expect violation
