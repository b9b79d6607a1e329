# kernel reclaim takes a PMD-mapped THP while another thread stores into
# it (issue 11). folio_alloc_swap cannot give the THP 512 slots (no
# THP_SWAP), so shrink_folio_list splits it (split_folio_to_list: PMD
# frozen into PTE migration entries, count frozen, struct pages split,
# PTEs back: the 510 pages that hold only zeros become the shared zero
# page) and swaps the pages out one by one: the swap device has 3 slots;
# A and A+0x1000, which main stores into, keep theirs, and each unmapped
# zero-filled page is written through the third and freed. The store lands
# before the split's freeze, waits on a migration entry, or faults its
# page back from swap; it is never lost, and the other page keeps its
# value.
config thp=always mem=16M swap=16K
thread main:
	mmap A 2M
	store A 0x1
	store A+0x1000 0x2
	spawn t reclaimer
	store A+0x1000 0x22
	wait done
	load A == 0x1
	load A+0x1000 == 0x22
thread t:
	load A
kthread reclaimer:
	reclaim
	signal done
expect ok
