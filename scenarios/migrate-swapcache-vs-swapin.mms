# move_pages migrates a folio of the swap cache while another process
# swaps the same entry in: the parent's read fault left the folio in the
# swap cache (mapped by the parent only), the child's PTE still holds the
# swap entry. folio_migrate_mapping freezes the count under the swap
# cache's lock, hands PG_swapcache, the entry and the slot to the new
# folio; the child's lookup got the old folio before (the freeze fails:
# migration retries), or finds the new one, or waits (swapcache_wait)
# and is woken by the migration. Both see the data; the child's later
# store stays its own.
config mem=16M swap=64K nodes=2
thread main:
	mmap A 4K anon
	store A 0x1
	pageout A
	fork child
	load A == 0x1
	spawn m
	wait done
	load A == 0x1
	store A 0x2
	load A == 0x2
thread m:
	move-pages A 4K node=1
	signal moved
thread c in child:
	load A == 0x1
	store A 0x3
	wait moved
	load A == 0x3
	signal done
expect ok
