# faultaround racing truncate on small tmpfs pages: t1's read fault maps
# the cached pages around it (filemap_map_pages: trylock each folio,
# re-check ->mapping and EOF under the lock), while k truncates the file
# to 8K (i_size first, then unmap_mapping_range, then the cache pages
# under their locks, then unmap again). Faultaround must not map a page
# past the new EOF once truncate is done: main's later access there must
# fault (SIGBUS), and the data below EOF stays.
config mem=16M
thread main:
	memfd F 64K huge=never
	mmap A 64K file=F shared
	fill A 64K 0x5
	mmap B 64K file=F shared
	spawn t1 k
	wait truncated
	load B+0x9000
	load B+0x1000 == 0x5
thread t1:
	load B+0x4000
kthread k:
	truncate F 8K
	signal truncated
expect ok
