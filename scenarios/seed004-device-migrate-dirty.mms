# seed 004: migrate_vma collecting a page must carry the dirty bit of the
# cleared PTE to the folio. The page was swapped out and read back, so it
# sits in the swap cache, clean, mapped writable; the store after the
# swap-in dirties only its PTE. The device migration collects the page
# (PTE -> migration entry) but fails on the walker's extra reference and
# puts the PTE back: clean, if the dirty bit was dropped. Reclaim then
# frees the clean swap-cache folio without writing it: the store is lost,
# and the read-back at the end finds the old data in the swap slot
# (lost-store; until session 9 a load after the reclaim had to show it).
# The verdict is the one with --regress migrate-vma-dirty-loss; with the
# fix the search finds nothing.
config mem=16M swap=16M device=8M
thread main:
	mmap A 4K anon
	store A 0x1
	pageout A
	load A == 0x1
	store A 0x2
	spawn walker drv
kthread walker:
	pfn-get A
kthread drv:
	device-migrate A to=device
	pageout A
expect violation lost-store
