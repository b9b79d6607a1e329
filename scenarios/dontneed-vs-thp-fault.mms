# dontneed-vs-thp-fault (CVE-2012-1179; fixed by 1a5a9906d4e8 "mm: thp:
# fix pmd_bad() triggering in code paths holding mmap_sem read mode"):
# MADV_DONTNEED runs under mmap_lock read, concurrently with faults.
#  (1) t2's zap_pmd_range reads the PMD: none, not huge;
#  (2) t1's write fault maps a new THP by that PMD (deposit, rmap);
#  (3) t2's pmd_none_or_clear_bad() reads it again: huge, "bad": cleared.
# The THP stays mapped by nobody yet counted as mapped, its deposited
# table is unreachable: the mapcount/refcount/leak invariants say so.
config mem=16M thp=always
thread main:
	mmap A 2M anon thp
	spawn t1 t2
thread t1:
	store A+0 0x1
thread t2:
	madvise A 2M dontneed
expect violation
