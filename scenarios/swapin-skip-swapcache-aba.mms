# two faults on one swap entry of a synchronous device (zram-like), the
# race 13ddaf26be32 ("mm/swap: fix race when skipping swapcache") closed:
#  1. main and t fault on A's swap entry; only one PTE refers to it, so
#     both take the skip-swapcache path;
#  2. t reads the slot into its private folio (0x1);
#  3. main reads it too, maps it, frees the slot and stores 0x2;
#  4. k pages A out again: the first free slot is the same one, so the
#     PTE holds the same entry value again;
#  5. t's pte_same() passes: it maps its stale copy; main's 0x2 is lost.
# The fix makes the skip path claim SWAP_HAS_CACHE (swapcache_prepare):
# t waits. The verdict is the one with --regress swapin-skip-swapcache-aba.
config mem=16M swap=16M swap_io=sync
thread main:
	mmap A 4K anon
	store A 0x1
	pageout A
	spawn t k
	store A 0x2
	signal stored
	wait done
	load A == 0x2
thread t:
	load A
	signal done
kthread k:
	wait stored
	pageout A
expect violation lost-store
