# shmem-pmd-migration-split (99fa8a48203d): move_pages migrates a
# PMD-mapped huge tmpfs folio - its PMD becomes a PMD migration entry -
# while a hole punch of one page of it unmaps that page's range:
# zap_pmd_range splits the PMD it covers only in part, and the file
# branch of __split_huge_pmd_locked must zap a migration entry as such
# (the PTEs refault from the page cache once the migration is done).
# Before the fix it took the entry for a huge PMD: VM_BUG_ON(!pmd_present)
# in pmdp_huge_clear_flush, or a bad page. The punched page reads zero,
# the rest of the THP keeps its data.
config nodes=2 mem=32M
thread main:
	memfd F 2M huge=always
	mmap A 2M file=F shared
	store A 0x1
	spawn k
	fallocate F 0x1000 4K
	load A == 0x1
	load A+0x1000 == 0
kthread k:
	move-pages A 4K node=1
expect violation
