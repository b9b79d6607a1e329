# numa-migrate of a THP racing mprotect(PROT_NONE) and a child's R/O pin
# (issue 8, item 2). A PROTNONE entry of a PROT_NONE VMA is no NUMA hint:
# the kernel's handle_pte_fault and __handle_mm_fault call do_numa_page /
# do_huge_pmd_numa_page only when vma_is_accessible(), and a user access
# to a PROT_NONE VMA is an access error before any fault handling. (mmsim
# used to treat every PROTNONE entry as a hint: each of the 512 addresses
# retried a migration the pin made fail, and the explorer gave up after
# 1,000,000 steps: a livelock the kernel cannot have.)
config mem=16M nodes=2 thp=always
thread main:
	mmap A 2M
	store A+0x190000 0x14
	fork c
	spawn k
	mprotect A none
thread t in c:
	pin R A+0x152000 4K read
	unpin R
kthread k:
	numa-migrate A 2M node=1
expect ok
