# kselftest mm/cow.c test_cow_in_parent, on a small anon page: the child
# keeps reading the values of fork time after the parent writes; the
# parent's write fault copies (the child still maps the page), so both
# ends are then mapped exclusively, on different frames.
config mem=4M
thread main:
	mmap A 4K
	fill A 4K 0x11
	pfn-mark old A
	fork child
	pagemap A == present,!exclusive,anon
	wait child-ready
	fill A 4K 0xff
	other-frame old A
	pagemap A == present,exclusive,anon
	signal parent-ready
	wait-exit child
	check A 4K 0xff
thread c in child:
	signal child-ready
	wait parent-ready
	check A 4K 0x11
	same-frame old A
	pagemap A == present,exclusive,anon
	exit
expect ok
