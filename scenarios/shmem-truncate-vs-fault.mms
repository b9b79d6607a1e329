# truncate racing faults on a huge tmpfs file: t1 faults the start of the
# file (its faultaround may map the huge folio by a PMD), t2 writes past
# the new EOF (it may land first, or fault with SIGBUS once i_size is
# lowered), k truncates to 4K: unmap_mapping_range zaps the PMD, the
# huge folio straddles the new EOF (SIM: zeroed past it, not split), and
# afterwards every access past EOF must fault. Data below EOF survives.
config mem=32M
thread main:
	memfd F 2M huge=always
	mmap A 2M file=F shared
	store A+0 0x5
	spawn t1 t2 k
	wait truncated
	load A+0 == 0x5
	load A+0x3000
thread t1:
	load A+0x1000
	load A+0 == 0x5
thread t2:
	store A+0x3000 0x7
kthread k:
	truncate F 4K
	signal truncated
expect ok
