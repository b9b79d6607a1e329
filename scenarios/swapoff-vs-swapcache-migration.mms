# swapoff while compaction migrates a folio in the swap cache. A fork's
# child faults its page back in from swap (swap cache folio, still in the
# cache after the fault); compaction migrates that folio: the swap
# cache's slot goes to the new folio while the old one is frozen. A
# try_to_unuse pass that met the frozen folio found nothing in the slot;
# the kernel's pass simply runs again and frees the new folio's slot.
# The model's try_to_unuse sleeps until the swap map changes instead of
# spinning (SIM), and the slot's move woke nobody: a false deadlock
# (fuzz runner, racy seed 7699, reduced). The move now wakes it
# (swapcache_migrated). Old model: the default search deadlocks after
# 15,621 executions, dpor:2 after 244,485; new: dpor:2 exhausts 319,747.
config mem=32M nodes=2 thp=madvise swap=256K
thread main:
	mmap A 0x5000 anon
	pin R1 A+0x1000 0x1000 read
	store A+0x4a58 0x1c5f
	pageout A+0x4000 0x1000
	fork c1
	unpin R1
	spawn t1
	munmap A+0x4000 0x1000
	pin R2 A+0 0x1000 write fast longterm
	swapoff
	unpin R2 dirty
thread t1:
	compact
thread c in c1:
	load A+0x4a58
expect ok
