# kernel reclaim races a user store: the store lands in the page before
# it is unmapped (and is written out), or faults it back in after; it is
# never lost (swap is invisible to the program).
config mem=16M swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn t reclaimer
	store A 0x2
	wait done
	load A == 0x2
thread t:
	load A
kthread reclaimer:
	reclaim
	reclaim
	signal done
expect ok
