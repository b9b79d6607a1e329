# numa-wait-on-freed-page (seed 000's series, patch 1/3, Mark Rutland:
# "mm: numa: avoid waiting on freed migrated pages"). The legacy THP
# hinting fault (thp_numa=legacy) that finds the THP locked by a
# migration in progress waits for the lock to go, then retries:
#   1. k: hinting fault, locks the THP, migrates it (the PMD stays
#      PROTNONE while the copy runs);
#   2. t: its load faults on the PROTNONE PMD, the THP is locked: it
#      drops the PMD lock to wait - before the fix, holding no reference;
#   3. k: installs the new PMD, unlocks the old THP and drops its last
#      references: the THP is freed;
#   4. t: waits on PG_locked of a free page (the kernel sets PG_waiters
#      in it: "Bad page state" at the next allocation, seen on arm64 KVM
#      guests). The fix takes a reference first; k then sees the count
#      and backs off.
config nodes=2 mem=32M thp=always thp_numa=legacy
thread main:
    mmap A 2M anon thp
    fill A 0 2M 0x11
    spawn k t
thread t:
    load A+0x1000 == 0x11
    load A+0x1000 == 0x11
    load A+0x1000 == 0x11
kthread k:
    numa-migrate A node=1
expect violation use-after-free
