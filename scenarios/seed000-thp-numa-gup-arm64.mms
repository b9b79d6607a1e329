# seed 000's own trigger (Will Deacon, arm64): thp-numa-count-recheck
# with GUP-fast instead of scenarios/thp-numa-count-recheck.mms's
# speculative PFN walker (that one is the x86 form: on x86 a GUP-fast
# cannot reach the window, the flushes wait for its irq-off section).
#   1. g: GUP-fast reads A's huge PMD (present, writable), interrupts off;
#   2. k: the NUMA scanner makes the PMD PROTNONE and flushes - on arm64
#      the broadcast TLBI does not wait for g; the hinting fault isolates
#      the THP (count 2), copies it, checks count == 2 under the PMD lock
#      and installs the new, writable PMD;
#   3. g: grabs the old THP (count 3), re-checks the PMD: changed, so it
#      will let go - but not yet;
#   4. t2: stores through the new PMD;
#   5. k: sees count 3 and puts the old PMD back: t2's store is lost
#      (the read-back at the end of the execution, R9, finds A+0x2000
#      holding 0x11: no load has to follow).
# The fix (freeze the count at 2) makes g's grab fail instead.
# Schedule d9b40d3c7b (3 preemptions: g stops after its PMD read, k runs
# to its second count check, g grabs, t2 stores) replays to the lost
# store (tests/t_arm64.c). The default search finds it through rff
# (reads-from fuzzing: docs/explorer.md): seeds 0-7 at 540 - 9,334
# executions (median about 2,800; session 8, tests/t_rff.c); random,
# POS, vpos and PCT alone did not in 200,000 (with t2's load).
config arch=arm64 nodes=2 mem=32M thp=always thp_numa=legacy regress=thp-numa-count-recheck
thread main:
    mmap A 2M anon thp
    store A+0x2000 0x11
    spawn k t2 g
thread t2:
    store A+0x2000 0x50
kthread k:
    numa-migrate A node=1
thread g:
    pin R A+0x2000 4K read fast
    unpin R
expect violation lost-store
