# MADV_WIPEONFORK: the child of a fork sees zero-filled memory in the
# range; dup_mmap (kernel/fork.c) skips copy_page_range for a VM_WIPEONFORK
# VMA, and the child's VMA keeps the flag, so a grandchild is wiped too.
# The other half of the region is copied as usual. A second thread changes
# the flag of page 2 while the fork runs: the child may see it wiped or
# copied (both kernel outcomes; madvise and dup_mmap serialise on
# mmap_lock). Issue 8 item 7: the oracle used to expect the parent's value.
config mem=8M
thread main:
	mmap A 16K
	fill A 16K 0x11
	madvise A+0x1000 4K wipeonfork
	madvise A+0x3000 4K wipeonfork
	spawn t
	fork child
	store A+0x1000 0x22
	load A+0x1000 == 0x22
thread t:
	madvise A+0x2000 4K wipeonfork
	madvise A+0x3000 4K keeponfork
thread c in child:
	load A == 0x11
	load A+0x1000 == 0x0
	load A+0x2000
	load A+0x3000
	store A+0x1000 0x33
	fork grandchild
	load A+0x1000 == 0x33
thread g in grandchild:
	load A == 0x11
	load A+0x1000 == 0x0
expect ok
