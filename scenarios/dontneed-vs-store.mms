# MADV_DONTNEED racing a store to the same page: the store lands in the
# old page before the zap (then it is gone: zero) or faults in a fresh page
# after it (then it stays). zap_page_range drops the pages; the next touch
# gets a zero-filled page (do_anonymous_page). Issue 8 item 9: the oracle
# applied "zero" at the end of madvise and allowed only 0.
config mem=8M
thread main:
	mmap A 8K
	store A 0x11
	store A+0x1000 0x12
	spawn t
	madvise A 8K dontneed
	wait stored
	load A
	load A+0x1000 == 0x0
thread t:
	store A 0x22
	signal stored
expect ok
