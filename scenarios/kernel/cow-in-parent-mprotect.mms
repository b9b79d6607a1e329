# kselftest mm/cow.c test_cow_in_parent_mprotect: as cow-in-parent, with
# mprotect(PROT_READ) and back to PROT_READ|PROT_WRITE before the write:
# mprotect must not map the shared page writable.
config mem=4M
thread main:
	mmap A 4K
	fill A 4K 0x11
	fork child
	wait child-ready
	mprotect A r
	store A 0x5 faults
	mprotect A rw
	fill A 4K 0xff
	pagemap A == present,exclusive
	signal parent-ready
	wait-exit child
thread c in child:
	signal child-ready
	wait parent-ready
	check A 4K 0x11
	exit
expect ok
