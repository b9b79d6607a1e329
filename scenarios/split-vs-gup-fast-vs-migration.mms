# split_huge_page vs GUP-fast vs migration of the same THP (issue 11's
# "split of a THP vs GUP-fast vs migration"). Split and migration both
# need the folio lock and a count with no extra reference: whichever
# holds the lock makes the other's count check fail, and a GUP-fast pin
# makes both fail (it is taken before their PTE/PMD clear and flush, or
# its re-check sees the clear and it retries on the result). DMA through
# the pin lands in what the process reads.
config nodes=2 mem=16M thp=always
thread main:
	mmap A 2M
	store A+0x1000 0x2
	spawn k m
	pin P A+0x1000 4K write fast
	dma-write P 0x77
	load A+0x1000 == 0x77
	unpin P
	load A+0x1000 == 0x77
kthread k:
	split A
kthread m:
	move-pages A 2M node=1
expect ok
