# filemap-map-pages-eof (f58df566524e "mm: filemap: fix nr_pages
# calculation overflow in filemap_map_pages()"; Fixes 743a2753a02e). A
# huge tmpfs folio is mapped by PTEs through a mapping too small for its
# PMD; faultaround around A+0x10000 races a truncate:
#   1. t: next_uptodate_folio finds the folio at index 16 (i_size 2M),
#      locks it;
#   2. k: truncate writes i_size 8K and waits for the folio lock;
#   3. t: reads i_size after the lookup: the end is index 1, and
#      nr_pages = min(511, 1) - 16 + 1 wraps around;
#   4. t: filemap_map_folio_range maps past the folio's last page
#      (VM_WARN_ON_FOLIO in folio_add_file_rmap_ptes).
# The fix reads the end before the lookup, which then finds nothing.
config mem=32M thp=always
thread main:
	memfd F 2M huge=always
	mmap B 2M file=F shared
	store B 0x1
	mmap A 1M file=F shared
	spawn t k
thread t:
	load A+0x10000
kthread k:
	truncate F 8K
expect violation
