# kselftest mm/mkdirty.c's check ("SIGSEGV generated, page not
# modified"), on a plain page made read-only after it was dirtied, and on
# the shared zero page of a read-only mapping.
config mem=4M
thread main:
	mmap A 4K
	fill A 4K 0x1
	mprotect A r
	store A 0x2 faults
	check A 4K 0x1
	mmap Z 4K prot=r
	load Z == 0
	pagemap Z == present,zero,!exclusive,!anon
	store Z 0x3 faults
	load Z == 0
expect ok
