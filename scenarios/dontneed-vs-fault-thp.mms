# MADV_DONTNEED of part of a THP racing a write fault in the same THP:
# the PMD is split under the zap while the other thread faults; no store
# outside the zapped range may be lost, the zapped range reads zero or the
# racing store.
config mem=16M thp=always
thread main:
	mmap A 2M anon thp
	store A 0x11
	store A+0x100000 0x22
	spawn t
	madvise A+0x1000 64K dontneed
	load A == 0x11
thread t:
	store A+0x2000 0x33
	load A+0x100000 == 0x22
expect ok
