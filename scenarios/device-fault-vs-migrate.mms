# a CPU fault on a device-private entry (migrate_to_ram) races the driver
# migrating the same page back to system memory (migrate_vma with
# MIGRATE_VMA_SELECT_DEVICE_PRIVATE): the page lock decides who moves it;
# the loser finds the PTE changed and retries. The value is never lost.
config mem=16M device=8M
thread main:
	mmap A 4K anon
	store A 0x1
	device-migrate A to=device
	spawn drv
	load A == 0x1
	store A 0x2
	wait back
	load A == 0x2
kthread drv:
	device-migrate A to=system
	signal back
expect ok
