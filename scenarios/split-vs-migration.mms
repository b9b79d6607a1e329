# split_huge_page racing the migration of the same THP (issue 11). Both
# need the folio lock (split: trylock, skipping a locked folio;
# migration: the lock, after isolating with a reference, which makes the
# split's count check fail). Each removes only the migration entries of
# the folio it holds locked, so neither restores the other's entries.
# Whichever wins, every page keeps its value once both are done.
config nodes=2 mem=16M thp=always
thread main:
	mmap A 2M
	store A 0x1
	store A+0x1ff000 0x3
	spawn k m
	wait ks
	wait ms
	load A == 0x1
	load A+0x1ff000 == 0x3
kthread k:
	split A
	signal ks
kthread m:
	move-pages A 2M node=1
	signal ms
expect ok
