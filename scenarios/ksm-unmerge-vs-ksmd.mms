# MADV_UNMERGEABLE (mmap_lock for write: break_ksm's unshare faults, then
# VM_MERGEABLE goes) against ksmd's scans (mmap_lock for read): ksmd
# merges before the madvise (which unshares what it merged) or finds the
# range no longer mergeable. Either way no KSM page is left mapped after
# the madvise, the data is the data, and the stores after it never
# reach another page.
thread main:
	mmap A 8K
	madvise A mergeable
	store A 0x7
	store A+0x1000 0x7
	spawn ksmd
	madvise A unmergeable
	store A 0x8
	load A+0x1000 == 0x7
	load A == 0x8
kthread ksmd:
	ksmd 3
expect ok
