# migration to the device races a user store and kernel reclaim: the
# store lands before collection (and is copied), or faults the page back
# from the device after; reclaim swaps the page out or finds it gone to
# the device. Nothing is lost.
config mem=16M swap=16M device=8M
thread main:
	mmap A 4K anon
	store A 0x1
	spawn drv rec
	store A 0x2
	wait done
	load A == 0x2
kthread drv:
	device-migrate A to=device
	signal done
kthread rec:
	pageout A
expect ok
