# A partial munmap of a PMD-mapped THP splits the PMD and queues the
# folio on the deferred split queue; the shrinker (deferred_split_scan)
# splits it while the process forks (issue 11). fork copies PTEs that
# may be migration entries (copy_nonpresent_pte: a writable entry
# becomes readable in both) or PTEs of the large folio or of the new
# order-0 folios; the split's count check counts the child's new
# mappings. Parent and child each keep their values; the unmapped pages
# are freed once the folio is split.
config thp=always
thread main:
	mmap A 2M
	store A 0x1
	store A+0x2000 0x3
	munmap A+0x1000 4K
	spawn k
	fork c
	store A 0x11
	load A+0x2000 == 0x3
	load A == 0x11
thread c in c:
	load A == 0x1
	load A+0x2000 == 0x3
kthread k:
	split-deferred
expect ok
