# A fault that finds a migration entry sleeps on the old folio's lock
# (migration_entry_wait_on_locked). It queues itself on the folio's wait
# queue while it still holds the PTL, holding no reference, and the
# unlock that ends the migration wakes it. Between that unlock and the
# waiter running, the old folio may be freed and reused: here k's
# migration of A frees it, and t's migration of B (pinned, so it fails)
# takes it as its locked destination and lets it go again without a
# wake-up (the lock of a new, unseen folio). The store must still finish:
# a wait that read PG_locked again after dropping the PTL slept on the
# reused folio's lock forever (a false deadlock, found by the t_gen
# fuzz runner; dpor:3 found it after 293,285 executions).
config mem=8M nodes=2
thread main:
	mmap A 4K
	mmap B 4K
	store A 0x1
	store B 0x2
	move-pages B 4K node=1
	pin R B 4K write
	spawn k t
	store A 0x3
	unpin R
kthread k:
	move-pages A 4K node=1
kthread t:
	move-pages B 4K node=0
expect ok
