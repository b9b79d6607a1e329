# reclaim races move_pages on a two-node machine: isolation (PG_isolated)
# gives the folio to one of them; a folio in the swap cache does not
# migrate (its count is not the expected one). The value survives.
config mem=16M nodes=2 swap=16M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn t
	move-pages A node=1
	load A == 0x1
thread t:
	pageout A
	load A == 0x1
expect ok
