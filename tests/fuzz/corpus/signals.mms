thread main:
	mmap A 8K
	spawn a b
	signal s0
thread a:
	wait s0
	store A 1
	signal s1
thread b:
	wait s1
	load A == 1
expect ok
