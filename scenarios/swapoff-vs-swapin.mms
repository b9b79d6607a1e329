# a swap-in against swapoff, the race eb085574a752 ("mm, swap: fix race
# between swapoff and some swap operations") closed:
#  1. main's load faults on A's swap entry (do_swap_page read the PTE
#     without the PTL);
#  2. k's swapoff unuses it: reads the page in, maps it, frees the slot;
#  3. swapoff frees swap_map and the swap cache;
#  4. the fault goes on to look the entry up in the swap cache and the
#     swap_map: freed memory.
# The fix: do_swap_page holds get_swap_device()'s reference from 1 on,
# which swapoff waits for before 3; one taken after swapoff began to free
# fails, and the fault retries on the PTE unuse_pte made. The verdict is
# the one with --regress swapoff-vs-swapin.
config mem=16M swap=64K
thread main:
	mmap A 4K anon
	store A 0x1
	pageout A
	spawn k
	load A == 0x1
kthread k:
	swapoff
expect violation use-after-free
