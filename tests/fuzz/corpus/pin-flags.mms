thread main:
	mmap A 8K
	pin R A 4K wirte
	pin S A 4K read write
	pin T A 4K fast
	madvise A dontned
	mprotect A rwq
expect ok
