# The device writes through a R/W longterm pin (an io_uring fixed buffer
# on the host) of a private file mapping, then the CPU reads the word:
# it sees the device's value on both sides (the pin broke COW: the page
# is the process's anon copy). Found by t_kdiff's long run (seed
# 1130960): the model's runner judged the load against the file, whose
# value is 0, because the COW was GUP's, not a CPU store it follows - a
# false lost-store. Now the pin's COW makes the page a ghost of the file
# page, as a COWing store does: both are judged (docs/fidelity.md fix 7).
config mem=16M
thread main:
	memfd F 8K
	mmap A 8K file=F private
	pin R A 8K write longterm
	dma-write R+0x1410 0xf704
	load A+0x1410 == 0xf704
	pagemap A 8K == present,exclusive,anon
	unpin R
	load A+0x1410 == 0xf704
expect ok
