# GUP-fast racing an mremap that moves its page. GUP-fast takes no
# mmap_lock, so the move may come after it got the page (the pin's page
# now lives at the new address and its DMA reaches the process there) or
# before (with dontunmap the old range stays mapped, empty: GUP-fast
# faults a fresh zero page in at the old address, and the pin has that).
# The oracle judged the pin at the old address only - it moves pins only
# when they are complete before the mremap ends - and reported
# pin-incoherent (found while triaging t_gen racy seed 1168; the default
# search found it after 46 executions). dpor:3 is exhausted clean (183
# executions; dpor:4, 479).
config mem=32M
thread main:
	mmap A 0x1000 anon nothp
	store A 0x1
	spawn t1
	mremap A 0x1000 0x1000 maymove dontunmap at=0x20000000000
thread t1:
	pin R1 A 0x1000 write fast
	dma-write R1+0x8 0x2
	dma-read R1
	unpin R1
expect ok
