# gup-fast-no-recheck: GUP-fast's (1) grab, (2) re-check of the PTE,
# against migration's (1) clear + flush, (2) check the count (mm/gup.c,
# the protocol of 2667f50e8b81, 2014: the generic RCU GUP-fast). On x86
# the flush's IPI waits for GUP-fast's interrupts-off section, so the
# migration cannot clear, flush, freeze and copy between GUP-fast's read
# of the PTE and its grab: x86's own gup.c had no re-check. On arm64 the
# broadcast TLBI waits for nobody:
#   1. t: GUP-fast reads the PTE of A (interrupts off);
#   2. k: move_pages: migration entry, flush (no wait), the count is
#      frozen and released, the page copied, the new page mapped;
#   3. t: grabs the old page (its count is positive again) and, without
#      the re-check, keeps it: the pin is on a page A no longer maps;
#   4. t: the device's write through the pin goes to the old page: the
#      process never sees it (its load of A returns the old value).
# Passed on x86 (config arch=x86), failed on arm64 - until migration
# batched its flushes (7e12beb8ca2a): the flush now comes after the pin
# check, and x86 finds it too (docs/bugs.md).
config arch=arm64 nodes=2 mem=16M
thread main:
    mmap A 4K anon
    store A 0x11
    spawn t k
thread t:
    pin R A 4K write fast
    dma-write R+0 0x77
    unpin R
    load A == 0x77
kthread k:
    move-pages A node=1
expect violation
