# COW after fork: the child sees the value at fork time, the parent its own
# later store, and neither sees the other's writes afterwards.
#
#   parent: store 1; fork; store 2; load == 2
#   child:  load == 1; store 3; load == 3
config mem=4M
thread main:
	mmap A 4K anon
	store A 0x1
	fork child
	store A 0x2
	load A == 0x2
thread c in child:
	load A == 0x1
	store A 0x3
	load A == 0x3
expect ok
