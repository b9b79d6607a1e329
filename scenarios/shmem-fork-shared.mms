# MAP_SHARED|MAP_ANONYMOUS across fork: parent and child map the same
# tmpfs pages (the child's VMA joins the file's i_mmap; copy_page_range
# copies nothing for a VMA without anon_vma: the child faults the pages
# in from the page cache). A store by either is seen by the other;
# MADV_DONTNEED in the child drops only its mapping, not the data.
config mem=16M
thread main:
	mmap S 8K shared
	store S+0 0x1
	fork child
	store S+0x1000 0x2
	wait c-done
	load S+0 == 0x11
	load S+0x1008 == 0x12
thread c in child:
	load S+0 == 0x1
	store S+0 0x11
	store S+0x1008 0x12
	madvise S 8K dontneed
	load S+0x1008 == 0x12
	signal c-done
	load S+0x1000
expect ok
