# Reads of untouched anon memory map the shared zero page (small) or the
# huge zero page (a THP-eligible range); a write replaces it with an
# exclusive anon page (or THP).
config mem=16M
thread main:
	mmap A 8K
	load A == 0
	pagemap A 4K == present,zero,!exclusive,!anon
	pagemap A+0x1000 4K == !present
	store A 0x1
	pagemap A 4K == present,!zero,exclusive,anon
	mmap T 2M thp
	load T == 0
	pagemap T 2M == present,zero
	store T 0x1
	pagemap T 2M == present,thp,exclusive,anon,!zero
expect ok
