# A R/W longterm pin of a private file mapping (an io_uring fixed buffer
# on the host): FOLL_WRITE breaks COW, so the pin holds the process's
# anon copy, and the device reads what the CPU filled in. Found by
# t_kdiff (seed 164): the model's value agreed with the host's, but its
# DMA-read check judged the word against a process oracle that had not
# followed the fill of the private file page (a false pin-incoherent).
# Now the read is judged against the copy, the fill followed (fix 6).
config mem=16M
thread main:
	memfd F 12K
	mmap C 12K file=F private
	pin R C+0x2000 4K write longterm
	pfn-mark m C+0x2000
	fill C+0x2000 4K 0x77
	same-frame m C+0x2000
	dma-read R+0x9f8
	pagemap C+0x2000 4K == present,exclusive,anon
	unpin R
	load C+0x29f8 == 0x77
expect ok
