# split_huge_page racing the migration of the same THP (issue 11). Both
# need the folio lock (split: trylock, skipping a locked folio;
# migration: the lock, after isolating with a reference, which makes the
# split's count check fail). Migration entries of one are never seen by
# the other's remap as their own: each removes only entries to the folio
# it holds locked. Every page keeps its value, whichever wins.
config nodes=2 mem=16M thp=always
thread main:
	mmap A 2M
	store A 0x1
	store A+0x1ff000 0x3
	spawn k m
	load A == 0x1
	load A+0x1ff000 == 0x3
kthread k:
	split A
kthread m:
	move-pages A 2M node=1
expect ok
