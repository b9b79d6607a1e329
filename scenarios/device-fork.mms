# fork of a range that lives on the device: both processes map the device
# page through device-private entries (the writable one becomes readable,
# copy_nonpresent_pte); a CPU access in either faults it back
# (migrate_to_ram, which must migrate the other mapping too: try_to_migrate
# turns its device-private entry into a migration entry). Values stay each
# process's own after the COW.
config mem=16M device=8M
thread main:
	mmap A 4K anon
	store A 0x1
	device-migrate A to=device
	fork child
	load A == 0x1
	store A 0x2
thread c in child:
	load A == 0x1
expect ok
