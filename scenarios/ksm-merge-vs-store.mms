# ksmd merges two identical pages while the process stores to one of
# them (issue 11; two full scans: the first records the checksums, the
# second merges). write_protect_page clears the PTE and flushes before it
# checks the count and makes the PTE read-only; replace_page maps the
# KSM page only if the PTE is still the read-only one it installed and
# the pages are still identical. A store either lands before the
# write-protect (the pages differ: no merge) or faults on the read-only
# PTE and copies: the value oracle sees every store, merged or not.
thread main:
	mmap A 8K
	madvise A mergeable
	store A 0x7
	store A+0x1000 0x7
	spawn ksmd
	store A+0x1000 0x8
	load A == 0x7
	load A+0x1000 == 0x8
	store A 0x9
	load A == 0x9
kthread ksmd:
	ksmd 2
expect ok
