# A store racing a truncate that takes its page away either lands first
# (and the truncate zaps it) or faults with SIGBUS and writes nothing;
# either way the word reads zero once the file grows back. Until session
# 9 the oracle counted a store that faulted as landed: a false lost-store.
# dpor exhausts it clean (about 686,000 executions).
config mem=8M
thread main:
	memfd F 8K
	mmap A 8K file=F shared
	spawn t
	truncate F 4K
	wait stored
	truncate F 8K
	load A+0x1000 == 0x0
thread t:
	store A+0x1000 0x5
	signal stored
expect ok
