# khugepaged collapse of the parent's range racing fork (mm/khugepaged.c,
# mm/fork.c). fork holds the parent's mmap_lock for write while it copies
# the page tables; the collapse takes it for write too, so the child
# either shares the small pages (the collapse then copies them into the
# parent's new THP, read-only PTEs and all, and the child keeps them) or
# inherits the THP with its deposited table. The child reads what the
# parent wrote before fork; neither sees the other's later stores.
config thp=never
thread main:
	mmap A 2M
	store A+0x1000 0x11
	store A+0x5000 0x55
	spawn k
	fork c
	store A+0x1000 0x12
	load A+0x1000 == 0x12
	load A+0x5000 == 0x55
thread c in c:
	load A+0x1000 == 0x11
	store A+0x5000 0x56
	load A+0x5000 == 0x56
kthread k:
	collapse A
expect ok
