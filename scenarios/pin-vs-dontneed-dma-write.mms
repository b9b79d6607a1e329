# A pin racing MADV_DONTNEED of its page. GUP-fast takes its reference
# with no lock (one recheck of the PTE) and MADV_DONTNEED zaps holding
# mmap_lock (or the VMA lock) only for read, so the zap may come after
# GUP got the page: the pin then holds the page the process no longer
# maps (a ghost, R5), and the device's write lands there - the process
# reads zero. Or GUP faults in a fresh page after the zap and the write
# reaches the process. Both are the kernel's. The oracle knew ghosts
# only of pins complete when the unmap began, and reported the first a
# lost-store at the read-back (t_gen racy seeds 868 and 1217: "init's
# A+0x8 holds 0x0 in its page tables; the program could only have seen
# 0x2"; the default search found it after 87 executions). dpor:3 is
# exhausted clean (153 executions; dpor:4, 481).
config mem=32M
thread main:
	mmap A 0x1000 anon nothp
	store A 0x1
	spawn t1
	madvise A 0x1000 dontneed
thread t1:
	pin R1 A 0x1000 write fast
	dma-write R1+0x8 0x2
	unpin R1
expect ok
