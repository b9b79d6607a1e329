# A page with a R/O FOLL_PIN (GUP-fast) is never merged by ksmd (issue
# 11, seed 001: "For KSM, this means sharing will fail"). write_protect_page
# (1) clears and flushes the PTE, (2) checks mapcount + 1 == refcount and
# (3) clears PG_anon_exclusive only if the page may not be pinned;
# GUP-fast (1) pins, (2) re-checks the PTE. Either the pin is refused
# (the PTE changed: it retries on the KSM page, which GUP unshares first)
# or ksmd sees the pin and backs off. Then the process's store is what
# the device reads through the pin: the pin stays reliable.
thread main:
	mmap A 8K
	madvise A mergeable
	store A 0x7
	store A+0x1000 0x7
	spawn ksmd
	pin P A+0x1000 4K read fast
	store A+0x1000 0x8
	dma-read P == 0x8
	unpin P
kthread ksmd:
	ksmd 2
expect ok
