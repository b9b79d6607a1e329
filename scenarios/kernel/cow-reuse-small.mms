# A small anon page shared with a child that has exited is reused on the
# parent's write fault (wp_can_reuse_anon_folio: the refcount proves the
# parent is its only user): same frame, exclusive again.
config mem=4M
thread main:
	mmap A 4K
	store A 0x1
	pfn-mark m A
	fork child
	wait-exit child
	pagemap A == present,exclusive
	store A 0x2
	same-frame m A
thread c in child:
	load A == 0x1
	exit
expect ok
