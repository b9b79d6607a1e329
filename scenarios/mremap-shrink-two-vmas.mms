# A shrinking mremap across two VMAs (issue 8, item 5). Linux "always
# allow[s] a shrinking remap": mremap_at() unmaps the tail with
# do_vmi_munmap() whatever VMAs it spans; only a move or an expansion must
# stay inside one VMA (remap_is_valid: -EFAULT). Here madvise splits A in
# two VMAs and the shrink unmaps the second one. (mmsim used to return
# -EFAULT.)
config mem=8M
thread main:
	mmap A 8K
	store A 0x1
	madvise A+0x1000 4K hugepage
	mremap A 4K
	load A == 0x1
expect ok
