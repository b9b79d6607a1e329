# mremap-no-rmap-locks (fixed by 108d6642ad81, 2012; 948f017b093a before):
# mremap merges the moved page into the VMA below its destination, which
# the anon_vma lists before the source VMA; move_ptes without the anon_vma
# lock moves the migration entry between the two visits of
# remove_migration_ptes: the entry is left behind.
# (The runner maps region X at 0x10000000000: docs/scenario-language.md
# section 12; at= takes a plain address.)
config nodes=2 mem=16M
thread main:
    mmap X 8K anon
    store X+0 0x1
    store X+0x1000 0x2
    mremap X+0x1000 4K 4K maymove at=0x10000040000
    spawn c
    mremap X+0x40000 4K 4K maymove at=0x10000001000
    load X+0x1000 == 0x2
kthread c:
    compact node=0
expect violation
