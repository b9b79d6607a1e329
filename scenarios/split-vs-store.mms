# split_huge_page racing a user store (issue 11). The splitter replaces
# the THP's PMD by 512 PTE migration entries (a PMD split with freeze),
# freezes the count, splits the struct pages and maps every page again.
# A store that meets a migration entry sleeps on the folio lock and
# retries; one through a still-valid TLB entry lands before the PMD's
# invalidate+flush. Either way every page keeps its value: the store and
# the values written before the split read back.
config thp=always
thread main:
	mmap A 2M
	store A 0x1
	store A+0x1000 0x2
	spawn k
	store A+0x1000 0x22
	load A == 0x1
	load A+0x1000 == 0x22
kthread k:
	split A
expect ok
