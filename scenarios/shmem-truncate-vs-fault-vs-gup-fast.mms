# truncate racing a fault and a GUP-fast pin on a huge tmpfs file: g pins
# the first page with GUP-fast (a PMD leaf: the whole huge folio is
# referenced) and writes through the pin, t faults the start of the file
# (do_set_pmd may map the huge folio), k truncates to 4K: i_size first,
# then unmap_mapping_range zaps the PMD, the huge folio straddling the
# new EOF stays (SIM: zeroed past EOF, not split), unmap again. The pin
# stays coherent with what the process reads below EOF; past EOF every
# access faults once truncate is done.
config mem=32M
thread main:
	memfd F 2M huge=always
	mmap A 2M file=F shared
	store A 0x5
	spawn t g k
	wait truncated
	wait pinned
	load A == 0x9
	load A+0x3000
thread t:
	load A+0x1000
thread g:
	pin P A 4K write fast
	dma-write P 0x9
	load A == 0x9
	unpin P
	signal pinned
kthread k:
	truncate F 4K
	signal truncated
expect ok
