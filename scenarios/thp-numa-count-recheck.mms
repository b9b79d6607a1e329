# thp-numa-count-recheck (seed 000; fixed by 2b4847e73004, 2017):
# the legacy THP NUMA migration (migrate_misplaced_transhuge_page) checks
# page_count == 2 before and after installing the new PMD, and puts the
# old PMD back when the count changed. A speculative reference taken in
# that window - here a speculative PFN walker (compaction's isolate scan,
# page_idle, memory-failure: folio_try_get, a look, folio_put; `pfn-get`)
# - makes it restore the old PMD, while a
# store has already landed in the new THP through the new PMD: the store is
# lost (t2 works on another page, B, between its stores, so that a store
# can start its page walk inside the window; t2 is spawned second so it
# runs on node 0, where its own hinting faults find nothing misplaced).
# The fix freezes the count (page_ref_freeze(page, 2)) instead.
# (The seed's own trigger, a GUP-fast that an arm64 TLB flush does not
# wait for, cannot happen on mmsim's x86-like MMU: docs/bugs.md.)
config nodes=2 mem=32M thp=always thp_numa=legacy
thread main:
    mmap A 2M anon thp
    mmap B 4K anon
    store B 0x1
    fill A 0 2M 0x11
    spawn k t2 w
thread t2:
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x50
    load A+0x2000 == 0x50
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x51
    load A+0x2000 == 0x51
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x52
    load A+0x2000 == 0x52
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x53
    load A+0x2000 == 0x53
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x54
    load A+0x2000 == 0x54
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x55
    load A+0x2000 == 0x55
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x56
    load A+0x2000 == 0x56
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x57
    load A+0x2000 == 0x57
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x58
    load A+0x2000 == 0x58
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x59
    load A+0x2000 == 0x59
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x5a
    load A+0x2000 == 0x5a
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x5b
    load A+0x2000 == 0x5b
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x5c
    load A+0x2000 == 0x5c
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x5d
    load A+0x2000 == 0x5d
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x5e
    load A+0x2000 == 0x5e
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x5f
    load A+0x2000 == 0x5f
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x60
    load A+0x2000 == 0x60
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x61
    load A+0x2000 == 0x61
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x62
    load A+0x2000 == 0x62
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x63
    load A+0x2000 == 0x63
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x64
    load A+0x2000 == 0x64
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x65
    load A+0x2000 == 0x65
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x66
    load A+0x2000 == 0x66
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x67
    load A+0x2000 == 0x67
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x68
    load A+0x2000 == 0x68
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x69
    load A+0x2000 == 0x69
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x6a
    load A+0x2000 == 0x6a
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x6b
    load A+0x2000 == 0x6b
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x6c
    load A+0x2000 == 0x6c
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x6d
    load A+0x2000 == 0x6d
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x6e
    load A+0x2000 == 0x6e
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    load B
    store A+0x2000 0x6f
    load A+0x2000 == 0x6f
kthread k:
    numa-migrate A node=1
kthread w:
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
    pfn-get A+0x2000 4K
expect violation lost-store
