# rmap walk order vs mremap's need_rmap_locks (issue 8, item 3). The
# kernel's anon_vma is an interval tree keyed by vm_pgoff; rmap walks
# visit it in order (equal keys in insertion order, a VMA adjusted by
# split/expand re-inserted after its equals). copy_vma's need_rmap_locks
# is false only when the new VMA comes after the old one in that order, so
# remove_migration_ptes sees the moved PTE at the old place or at the new.
# Here the last mremap merges its page into the VMA the first mremap made
# (pgoff 3, after the source's pgoff 0: no lock needed). mmsim used to
# walk the anon_vma in the order its links were made, not by pgoff, and
# found a migration entry left behind (BUG_ON after 2,998 dfs:2
# executions) that the kernel cannot have.
config nodes=2 mem=16M
thread main:
    mmap X 256K anon
    munmap X+0x30000 64K
    store X+0x3000 0x3
    store X+0x4000 0x4
    mremap X+0x3000 8K 8K maymove at=0x10000030000
    mprotect X+0x1000 8K r
    munmap X+0x1000 8K
    munmap X+0x5000 0x2b000
    mremap X 4K 24K
    store X+0x5000 0x5
    spawn c
    mremap X+0x5000 4K 4K maymove at=0x10000032000
    load X+0x32000 == 0x5
kthread c:
    compact node=0
expect ok
