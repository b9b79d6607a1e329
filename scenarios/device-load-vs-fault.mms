# a device access races a CPU fault on the same device page and the driver
# migrating it back: the device reads its page, or the system page after
# a migrate_to_ram (its mirror faults the page in again); the CPU's load
# sees 0x1 or the device's 0x4, and after the device's write only 0x4,
# whichever way the page went.
config mem=16M device=64K
thread main:
	mmap A 4K anon
	store A 0x1
	device-migrate A to=device
	spawn drv dev
	load A
	wait written
	load A == 0x4
kthread drv:
	device-migrate A to=system
kthread dev:
	device-load A == 0x1
	device-store A 0x4
	signal written
expect ok
