thread main:
	store A $
	store A 4KB
	store A 0x
	store A 0x10000000000000000
expect ok
