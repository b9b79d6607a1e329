# mprotect's change_pte_range racing migration's entries (seed 001's
# question: is_writable_migration_entry vs !is_readable_migration_entry;
# docs/migration.md). A pin after mprotect rw must stay coherent.
config nodes=2 mem=8M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn k
	mprotect A 4K r
	mprotect A 4K rw
	store A 0x2
	pin R A 4K write fast
	dma-write R+0 0x3
	unpin R
	load A == 0x3
kthread k:
	move-pages A 4K node=1
expect ok
