# thp-numa-count-recheck (seed 000; fixed in 2017 by Will Deacon's
# "mm/migrate.c: stabilise page count when migrating transparent
# hugepages", v4.13-rc1; hash not verified):
# the legacy THP NUMA migration (migrate_misplaced_transhuge_page) checks
# page_count == 2 before and after installing the new PMD, and puts the
# old PMD back when the count changed. The race, as the kernel had it:
#  (1) k, the NUMA hinting fault, checks the count (2) and installs the
#      new PMD;
#  (2) w, a speculative PFN walker (compaction's isolate scan), that read
#      the old PFN before, takes a reference: the count is 3;
#  (3) t2 stores through the new PMD into the new THP;
#  (4) k re-checks the count, sees 3, puts the old PMD back: t2's store is
#      lost - the old page is what A maps from now on. No load is needed
#      to show it: the read-back at the end of the execution (R9,
#      docs/scenario-language.md) reads A+0x2000 from the page tables.
# The fix freezes the count (page_ref_freeze(page, 2)) instead.
# (The seed's own trigger, a GUP-fast that an arm64 TLB flush does not
# wait for, cannot happen on mmsim's x86-like MMU: docs/bugs.md. t2 is
# spawned second so it runs on node 0, where its own hinting faults find
# nothing misplaced.)
config nodes=2 mem=32M thp=always thp_numa=legacy
thread main:
    mmap A 2M anon thp
    store A 0x11
    spawn k t2 w
thread t2:
    store A+0x2000 0x50
kthread k:
    numa-migrate A node=1
kthread w:
    pfn-get A+0x2000 4K
expect violation lost-store
