# kselftest mm/cow.c test_vmsplice_in_child (CVE-2020-29374): the child
# takes a R/O reference with vmsplice, unmaps the page, and must keep
# reading the values of fork time through the pipe after the parent
# writes. The parent's write copies: the pipe's reference makes the page
# not exclusive. With --regress cow-reuse-mapcount the model reuses the
# page (other-frame fails; the child would read the parent's write):
# mmsim kernel reports the disagreement (the negative control of
# tests/t_kernel.c).
config mem=4M
thread main:
	mmap A 4K
	fill A 4K 0x11
	fork child
	wait child-ready
	pfn-mark p A
	fill A 4K 0xff
	other-frame p A
	signal parent-ready
	wait-exit child
thread c in child:
	pin R A 4K read get
	munmap A 4K
	signal child-ready
	wait parent-ready
	dma-read R == 0x11
	dma-read R+0x800 == 0x11
	unpin R
	exit
expect ok
