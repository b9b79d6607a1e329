# thp-numa-count-recheck (seed 000; fixed by 2b4847e73004, 2017):
# legacy THP NUMA migration re-checks page_count == 2 after installing the
# new PMD and puts the old PMD back on a change. A transient reference
# (a speculative PFN walker, here compaction's scan) in that window, and a
# store through the new PMD in the same window, lose the store. (The C twin,
# tests/t_migrate_regress.c, keeps t2 computing between stores and uses a
# PFN walker that holds its reference for a look: PCT:3 finds it there.)
config nodes=2 mem=32M thp=always thp_numa=legacy regress=thp-numa-count-recheck
thread main:
    mmap A 2M anon thp
    fill A 0 2M 0x11
    spawn t2 k c
thread t2:
    store A+0x2000 0x55
    load A+0x2000 == 0x55
kthread k:
    numa-migrate A node=1
kthread c:
    compact node=0
expect violation
