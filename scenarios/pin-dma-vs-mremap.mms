# DMA through a complete pin while another thread's mremap moves the
# page. The runner took the word's address from the pin before the DMA's
# yield point and judged the access there after it: when the move ran in
# between, a read was judged at the emptied old address (0x0 expected,
# 0x1 read: pin-incoherent; found while triaging t_gen racy seed 1168;
# the default search found it after 9 executions). DMA is now judged at
# the page's address when it happens. dpor:3 is exhausted clean (81
# executions; dpor:4, 156).
config mem=32M
thread main:
	mmap A 0x1000 anon nothp
	store A 0x1
	pin R1 A 0x1000 write
	spawn t1
	mremap A 0x1000 0x1000 maymove dontunmap at=0x20000000000
thread t1:
	dma-read R1
	dma-write R1+0x8 0x2
	unpin R1
expect ok
