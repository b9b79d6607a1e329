# anon-exclusive-clear-no-barrier (fixed by 088b8aa537c2, 2022, "mm: fix
# PageAnonExclusive clearing racing with concurrent RCU GUP-fast"):
# migration unmaps an exclusive anon page: (A1) clear the PTE, smp_mb(),
# (A2) check for pins, (A3) clear PG_anon_exclusive. GUP-fast pins it:
# (B1) read the PTE, (B3) pin, smp_mb__after_atomic(), (B4) re-check the
# PTE. Without the barrier pair (store buffering on arm64: the PTE clear
# is an xchg_relaxed there, the pin an atomic_add) A2 misses the pin and
# B4 misses the clear: the page is migrated under a write pin, and the
# device's write through the pin never reaches the process.
config nodes=2 mem=16M arch=arm64 memory=arm64
thread main:
	mmap A 4K anon
	store A 0x11
	spawn t k
	wait pinned
	load A == 0x77
thread t:
	pin R A 4K write fast
	dma-write R+0 0x77
	unpin R
	signal pinned
thread k:
	move-pages A node=1
expect violation
