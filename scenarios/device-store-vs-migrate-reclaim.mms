# the device writes a page while the driver migrates it to the device,
# the CPU stores to another word of it and reclaim pages it out: the
# device's write lands in the system page (through its mirror, under the
# PTL) before collection and is copied, or in the device page after; the
# CPU's store faults the page back or lands before. Both writes survive
# the trip to the device, to swap and back.
config mem=16M swap=64K device=64K
thread main:
	mmap A 4K anon
	store A 0x1
	spawn drv dev rec
	store A+8 0x2
	wait done
	wait written
	load A == 0x3
	load A+8 == 0x2
kthread drv:
	device-migrate A to=device
	signal done
kthread dev:
	device-store A 0x3
	signal written
kthread rec:
	pageout A
expect ok
