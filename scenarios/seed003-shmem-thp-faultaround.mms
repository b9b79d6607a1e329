# seed 003: huge tmpfs: a new page table must not be exposed before it is
# initialised; faultaround maps a PMD while another thread faults a PTE.
config mem=32M thp=always
thread main:
	mmap F 2M shared thp
	spawn t1 t2
thread t1:
	load F+0x1000
thread t2:
	store F+0x3000 0x7
	load F+0x3000 == 0x7
expect ok
