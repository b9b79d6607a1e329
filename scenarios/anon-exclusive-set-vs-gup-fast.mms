# anon-exclusive-set-vs-gup-fast: a finding, not a catalogued bug
# (docs/bugs.md). Whoever maps an exclusive anon THP sets
# PG_anon_exclusive with a relaxed set_bit() (SetPageAnonExclusive, from
# folio_add_anon_rmap_pmd / folio_add_new_anon_rmap) and then stores the
# PMD (set_pmd_at: a plain store for a user entry on arm64); no barrier
# orders the two. GUP-fast's loads are ordered (the PMD, folio_try_get's
# full barrier, the write_protect_seq re-check's smp_rmb(), the flag):
#   1. k: SetPageAnonExclusive(head) - still in k's store buffer;
#   2. k: set_pmd_at(new, writable PMD) - visible first (arm64 allows it);
#   3. t: GUP-fast reads the new PMD, grabs the new THP, re-checks the
#      PMD; a writable PMD skips gup_must_unshare();
#   4. t: sanity_check_pinned_pages() reads PG_anon_exclusive: clear.
# In the kernel only CONFIG_DEBUG_VM's check sees it (VM_WARN_ON_ONCE_PAGE
# since "mm/gup: remove (VM_)BUG_ONs"); the pin itself is fine. The kernel
# has the same order in remove_migration_pmd() and map_anon_folio_pmd_nopf();
# mmsim reaches it only through the legacy NUMA path, where an
# atomic_set_release follows set_pmd_at: elsewhere a spin_unlock follows,
# and mmsim's unlock drains the whole store buffer (docs/deviations.md).
# Under memory=tso (stores in order) it cannot happen.
config nodes=2 mem=32M thp=always thp_numa=legacy memory=arm64
thread main:
	mmap A 2M anon thp
	fill A 0 2M 0x11
	spawn t k
thread t:
	pin R A+0x1000 4K write fast
	unpin R
kthread k:
	numa-migrate A node=1
expect violation
