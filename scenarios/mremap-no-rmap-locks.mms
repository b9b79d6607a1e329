# mremap-no-rmap-locks (fixed by 108d6642ad81, 2012; 948f017b093a before):
# mremap merges the moved page into the VMA below its destination, which
# the anon_vma lists before the source VMA; move_ptes without the anon_vma
# lock moves the migration entry between the two visits of
# remove_migration_ptes: the entry is left behind.
config nodes=2 mem=16M regress=mremap-no-rmap-locks
thread main:
    mmap X 8K anon
    store X+0 0x1
    store X+0x1000 0x2
    mremap X+0x1000 4K 4K maymove fixed at=X+0x40000
    spawn c
    mremap X+0x40000 4K 4K maymove fixed at=X+0x1000
    load X+0x1000 == 0x2
kthread c:
    compact node=0
expect violation
