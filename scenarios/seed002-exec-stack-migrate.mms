# seed 002: exec's temporary stack move (shift_arg_pages) races with
# migration of the argument pages: an rmap walk that misses the moved PTE
# leaves a migration entry behind.
config mem=16M nodes=2
thread main:
	mmap S 64K anon stack
	fill S 64K 0x5a
	spawn m
	exec args=16384
kthread m:
	move-pages S@init 64K node=1
expect ok
