# MADV_MERGEABLE of a shared mapping is ignored (mm/ksm.c ksm_madvise:
# vma_ksm_compatible() is false for VM_SHARED | VM_MAYSHARE, "just ignore
# the advice"): the VMA is neither flagged nor split. Found by t_kdiff
# (seed 51): the model split the VMA, so a later read fault's faultaround
# (do_fault_around, bounded by the VMA) no longer mapped the page-cache
# page below the split; the host's single VMA maps it again.
config mem=16M
thread main:
	mmap A 20K shared
	load A+0x1000
	madvise A+0x4000 4K mergeable
	madvise A 12K dontneed
	pagemap A+0x1000 4K == !present
	load A+0x4000
	pagemap A+0x1000 4K == present
expect ok
