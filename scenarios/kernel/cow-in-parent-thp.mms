# kselftest mm/cow.c test_cow_in_parent on a PMD-mapped THP: after fork
# both map the THP by a PMD, shared; the parent's write fault splits its
# PMD and copies one small page (do_huge_pmd_wp_page falls back); the
# child keeps the THP and the old values.
config mem=16M
thread main:
	mmap A 2M thp
	fill A 2M 0x11
	pagemap A 2M == present,thp,exclusive,anon
	fork child
	pagemap A 2M == present,thp,!exclusive
	wait child-ready
	store A 0xff
	pagemap A 4K == present,exclusive,!thp
	pagemap A+0x1000 4K == present,thp,!exclusive
	signal parent-ready
	wait-exit child
thread c in child:
	signal child-ready
	wait parent-ready
	check A 2M 0x11
	exit
expect ok
