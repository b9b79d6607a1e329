# thp-split-pmd-mapcount: c444eb564fb1 "mm: thp: make the THP mapcount
# atomic against __split_huge_pmd_locked()" (Andrea Arcangeli, reported
# by Jann Horn; stable backport posted 2020-06-19). After fork a THP is
# mapped by two read-only PMDs. The parent's write fault decided by
# mapcount whether it may reuse the THP; the count read the pages'
# mapcounts and then the compound mapcount. The child's mprotect splits
# its PMD in between, moving its mapping from the compound count to the
# page counts: the parent counts one mapping, reuses the THP in place,
# and the child reads the parent's write. With the switch off (6.18: the
# reuse test is PG_anon_exclusive, then the refcount) the parent copies.
config thp=always
thread main:
	mmap A 2M
	store A 0x1
	fork c
	store A 0x2
	load A == 0x2
thread c in c:
	mprotect A+0x1000 4K r
	load A == 0x1
expect violation lost-store
