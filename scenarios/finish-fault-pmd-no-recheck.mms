# finish-fault-pmd-no-recheck (seed 003; the re-check came with
# 7267ec008b5c "mm: postpone page table allocation until we have page to
# map", the mainline form of seed 003's "avoid premature exposure of new
# pagetable"): a huge tmpfs fault must not trust a PMD it read once.
#  (1) t1 faults: faultaround finds nothing cached; shmem_fault allocates
#      the PMD-sized folio, locked;
#  (2) t2 faults: its faultaround skips the locked folio; it sleeps on
#      the folio lock in shmem_fault, having seen a none PMD;
#  (3) t1's finish_fault maps the folio by do_set_pmd and unlocks;
#  (4) t2's finish_fault finds the PMD not none, skips the allocation,
#      and without the re-check walks the huge PMD as a PTE table and
#      takes a "PTL" in a data page's struct page.
config mem=32M shmem_enabled=always
thread main:
	mmap F 2M shared
	spawn t1 t2
thread t1:
	load F+0x1000
thread t2:
	load F+0x3000
expect violation use-after-free
