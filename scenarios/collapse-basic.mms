# khugepaged collapse (MADV_COLLAPSE's control) of a PTE-mapped range:
# thp=never, so the stores fault small pages; the collapse copies them into
# one THP mapped by a huge PMD (the sysfs mode is not enforced for
# MADV_COLLAPSE). The data survives, the holes read zero.
config thp=never
thread main:
	mmap A 2M
	store A+0x1000 0x11
	store A+0x5000 0x22
	collapse A
	load A+0x1000 == 0x11
	load A+0x5000 == 0x22
	load A+0x9000 == 0x0
	store A+0x9000 0x33
	load A+0x9000 == 0x33
expect ok
