# A multi-page fill racing a store to a page the fill finished earlier:
# the store may land before the fill reaches its word (the fill's value
# wins) or after (the store's value wins). The kernel gives a user memset
# no atomicity: each word is its own store. Issue 8 item 8: the oracle
# applied the whole fill at its end and allowed only the fill's value.
config mem=8M
thread main:
	mmap A 12K
	spawn t
	fill A 12K 0x11
	wait stored
	load A
	load A+0x1000 == 0x11
	load A+0x2000
thread t:
	store A 0x22
	store A+0x2008 0x33
	signal stored
expect ok
