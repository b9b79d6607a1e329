# a CPU fault on a device-private entry races the driver migrating the
# same page back to system memory (16ce101db85d "mm/memory.c: fix race
# when faulting a device private page"). The fixed do_swap_page re-checks
# the entry under the PTL and locks and references the device page before
# it drops the PTL and calls migrate_to_ram. The old one called
# migrate_to_ram through the page's pgmap straight from the entry it had
# read, with no reference: the migration back could free the device page
# first (use-after-free). The verdict is the one with
# --regress device-private-fault-no-ref; with the fix it is clean.
config mem=16M device=8M
thread main:
	mmap A 4K anon
	store A 0x1
	device-migrate A to=device
	spawn drv
	load A == 0x1
kthread drv:
	device-migrate A to=system
expect violation use-after-free
