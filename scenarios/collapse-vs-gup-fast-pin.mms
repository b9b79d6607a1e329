# khugepaged collapse racing a GUP-fast write pin on arm64, where the
# TLBI of pmdp_collapse_flush does not wait for GUP-fast's interrupts-off
# section and page tables are freed through RCU. The collapse (1) clears
# the PMD and flushes, (2) sends tlb_remove_table_sync_one's IPI, which
# waits for a GUP-fast that read the old PMD, (3) refuses a page whose
# count shows a pin (refcount != mapcount), (4) copies and maps the THP.
# GUP-fast (1) reads the PMD and the PTE, (2) grabs the page, (3)
# re-checks the PMD and the PTE and drops the page if either changed.
# Either the pin is taken first and the collapse fails, or GUP-fast
# falls back (slow path) and pins the THP: the device's write through
# the pin is what the process reads.
config arch=arm64 thp=never
thread main:
	mmap A 2M
	store A+0x1000 0x11
	store A+0x2000 0x22
	spawn t k
thread t:
	pin P A+0x1000 4K write fast
	dma-write P 0x77
	load A+0x1000 == 0x77
	unpin P
	load A+0x2000 == 0x22
kthread k:
	collapse A
expect ok
