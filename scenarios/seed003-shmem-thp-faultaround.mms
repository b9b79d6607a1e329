# seed 003: huge tmpfs: a new page table must not be exposed before it is
# initialised; faultaround maps a PMD while another thread faults a PTE.
# MAP_SHARED|MAP_ANONYMOUS is shmem; shmem_enabled=advise and the thp flag
# (MADV_HUGEPAGE) make its folio PMD-sized, so the first fault maps it by
# do_set_pmd and the other thread's fault must notice the huge PMD.
config mem=32M thp=always shmem_enabled=advise
thread main:
	mmap F 2M shared thp
	spawn t1 t2
thread t1:
	load F+0x1000
thread t2:
	store F+0x3000 0x7
	load F+0x3000 == 0x7
expect ok
