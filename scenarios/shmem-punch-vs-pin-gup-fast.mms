# GUP-fast pinning a MAP_SHARED tmpfs page while a hole punch takes the
# page out of the file. shmem_fallocate (PUNCH_HOLE) unmaps and truncates
# the range holding the inode lock, not mmap_lock, and GUP-fast takes no
# lock at all: the pin may get the page before the punch (then the page
# lives on for the device with the old data, 0x1, while the file reads
# zero and then main's 0x3) or fault a new file page in after it. The
# oracle knew the first only for pins complete when the punch began and
# reported pin-incoherent (found generalising the fix of t_gen racy
# seeds 868 and 1217 to file zaps; the default search found it after 95
# executions). dpor:3 is exhausted clean (42,255 executions; dpor:4,
# 846,780).
config mem=32M
thread main:
	memfd F 0x1000
	mmap A 0x1000 shared file=F
	store A 0x1
	spawn t1
	fallocate F 0 0x1000
	store A 0x3
thread t1:
	pin R1 A 0x1000 read fast
	dma-read R1
	unpin R1
expect ok
