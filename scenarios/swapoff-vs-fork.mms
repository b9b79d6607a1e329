# swapoff against fork: fork copies A's swap PTE into the child
# (swap_duplicate) while swapoff walks the mms; a child created after the
# walk passed is found by try_to_unuse's next pass. Both processes see
# their own values; every slot is free at the end, the device is off.
config mem=16M swap=64K
thread main:
	mmap A 8K anon
	store A 0x1
	store A+4K 0x2
	pageout A
	spawn k
	fork child
	store A 0x3
	load A+4K == 0x2
thread c in child:
	load A == 0x1
	store A+4K 0x4
	load A+4K == 0x4
kthread k:
	swapoff
expect ok
