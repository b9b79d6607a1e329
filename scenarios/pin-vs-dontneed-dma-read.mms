# A pin racing MADV_DONTNEED of its page (see pin-vs-dontneed-dma-write):
# if GUP got the page before the zap, the device keeps reading the old
# contents (0x1) while the process stores to a fresh page (0x3); if after,
# it reads the process's page. The oracle judged every such read against
# the process and reported pin-incoherent (t_gen racy seeds 1003, 1160
# and 1168: "load of 0x10000000000 returned 0x1; the program could only
# have seen 0x0 or 0x3"; the default search found it after 20 executions).
# dpor:3 is exhausted clean (1,707 executions; dpor:4, 8,563).
config mem=32M
thread main:
	mmap A 0x1000 anon nothp
	store A 0x1
	spawn t1
	madvise A 0x1000 dontneed
	store A 0x3
thread t1:
	pin R1 A 0x1000 read
	dma-read R1
	unpin R1
expect ok
