// SPDX-License-Identifier: GPL-2.0
/*
 * t_filemap - the page cache, faultaround and the file rmap, one
 * execution per property (tests/mm_test.h), each followed by the
 * invariant checker with the leak check (the page cache holds one
 * reference per page; MAP_SHARED|MAP_ANONYMOUS files go with their last
 * mapping).
 *
 * Properties:
 *  - a read fault maps fault_around_pages (16) cached pages around the
 *    address at once (faultaround), and only those cached;
 *  - a huge (PMD-sized) tmpfs folio is mapped by one huge PMD with no
 *    deposited table (x86: !arch_needs_pgtable_deposit), and MADV_DONTNEED
 *    drops the mapping but not the data;
 *  - i_mmap lists the file's VMAs by vm_pgoff, whatever the order they
 *    were mapped in, and rmap_walk visits them in that order;
 *  - a private mapping reads the file, and its write copies (COW) without
 *    changing the file;
 *  - truncate unmaps and frees the pages past EOF; a fault there is
 *    SIGBUS (-EIO); MADV_REMOVE zeroes a hole;
 *  - the lockless lookup returns the cached folio with a reference;
 *  - the end-of-execution eviction frees what the kernel's path frees,
 *    and a folio with a leaked reference stays allocated.
 * Fractions of a second under ASan.
 */
#include "mm_test.h"
#include "pagemap.h"

#define SZ (64 * PAGE_SIZE)

static unsigned long map_file(struct mm_struct *mm, struct file *f,
			      unsigned long len, unsigned long pgoff,
			      bool shared)
{
	unsigned long a;

	mmap_write_lock(mm);
	a = do_mmap_file(mm, f, 0, len, PROT_READ | PROT_WRITE,
			 shared ? MAP_SHARED : MAP_PRIVATE, pgoff);
	mmap_write_unlock(mm);
	expect(!IS_ERR_VALUE(a), "do_mmap_file: %ld", (long)a);
	return a;
}

static int count_mapped(struct mm_struct *mm, unsigned long a, int n)
{
	int c = 0;

	for (int i = 0; i < n; i++) {
		pte_t pte;
		pmd_t pmd;

		if (pt_lookup(mm, a + i * PAGE_SIZE, &pte, &pmd) &&
		    (pmd_trans_huge(pmd) || pte_present(pte)))
			c++;
	}
	return c;
}

static void t_faultaround(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	struct file *f = shmem_file_setup(SZ, SHMEM_HUGE_NEVER);
	unsigned long a = map_file(mm, f, SZ, 0, true);
	unsigned long b;

	/* fill the cache through one mapping (write faults: no faultaround) */
	for (int i = 0; i < 40; i++)
		mt_store(mm, a + i * PAGE_SIZE, i + 1);
	/* a second mapping: one read fault maps the aligned 16 around it */
	b = map_file(mm, f, SZ, 0, true);
	expect(mt_load(mm, b + 5 * PAGE_SIZE) == 6, "file data seen");
	expect(count_mapped(mm, b, 64) == 16,
	       "faultaround mapped %d pages, want 16",
	       count_mapped(mm, b, 64));
	/* past the cached pages, faultaround maps only what is cached */
	expect(mt_load(mm, b + 45 * PAGE_SIZE) == 0, "a hole reads zero");
	expect(count_mapped(mm, b + 32 * PAGE_SIZE, 16) == 8 + 1,
	       "faultaround of a partly cached block mapped %d, want 9",
	       count_mapped(mm, b + 32 * PAGE_SIZE, 16));
	expect(get_mm_counter(mm, MM_SHMEMPAGES) == 40 + 16 + 9,
	       "MM_SHMEMPAGES %ld", get_mm_counter(mm, MM_SHMEMPAGES));
	vm_munmap(mm, a, SZ);
	vm_munmap(mm, b, SZ);
	shmem_evict(f->f_mapping);
	mm_task_bind(NULL);
	mmput(mm);
}

static void t_huge_pmd(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	struct file *f = shmem_file_setup(HPAGE_PMD_SIZE, SHMEM_HUGE_ALWAYS);
	unsigned long a = map_file(mm, f, HPAGE_PMD_SIZE, 0, true);
	pmd_t *pmd;

	expect(IS_ALIGNED(a, HPAGE_PMD_SIZE), "PMD-aligned mapping");
	mt_store(mm, a + 0x3000, 0x33);
	pmd = mm_find_pmd(mm, a);
	expect(pmd && pmd_trans_huge(*pmd), "one huge PMD maps the folio");
	expect(pmd && !pt_page_of(pmd)->private, "no table deposited");
	expect(get_mm_counter(mm, MM_SHMEMPAGES) == HPAGE_PMD_NR,
	       "MM_SHMEMPAGES %ld", get_mm_counter(mm, MM_SHMEMPAGES));
	mt_quiescent();
	do_madvise(mm, a, HPAGE_PMD_SIZE, MADV_DONTNEED);
	expect(pmd && pmd_none(*pmd), "DONTNEED zapped the PMD");
	expect(mt_load(mm, a + 0x3000) == 0x33, "the data stayed cached");
	vm_munmap(mm, a, HPAGE_PMD_SIZE);
	shmem_evict(f->f_mapping);
	mm_task_bind(NULL);
	mmput(mm);
}

static bool order_one(struct folio *folio, struct vm_area_struct *vma,
		      unsigned long addr, void *arg)
{
	unsigned long *seen = arg;

	seen[++seen[0]] = vma->vm_pgoff;
	return true;
}

static void t_immap_order(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	struct file *f = shmem_file_setup(SZ, SHMEM_HUGE_NEVER);
	unsigned long pg[3] = { 8, 0, 4 }, a[3], seen[8] = { 0 };
	struct rmap_walk_control rwc = { .arg = seen, .rmap_one = order_one };
	struct vm_area_struct *v;
	unsigned long prev = 0;
	struct folio *folio;
	int n = 0;

	for (int i = 0; i < 3; i++)
		a[i] = map_file(mm, f, 16 * PAGE_SIZE, pg[i], true);
	list_for_each_entry(v, &f->f_mapping->i_mmap, shared) {
		expect(v->vm_pgoff >= prev, "i_mmap out of pgoff order");
		prev = v->vm_pgoff;
		n++;
	}
	expect(n == 3, "i_mmap holds %d VMAs", n);
	/* page 9 of the file: mapped by pgoff 0 (no, 0..15 yes) and 8, 4 */
	mt_store(mm, a[1] + 9 * PAGE_SIZE, 0x99);
	expect(mt_load(mm, a[0] + 1 * PAGE_SIZE) == 0x99 &&
	       mt_load(mm, a[2] + 5 * PAGE_SIZE) == 0x99,
	       "one page, three mappings");
	folio = filemap_get_entry(f->f_mapping, 9);
	expect(folio != NULL, "lookup finds the cached folio");
	if (folio) {
		folio_lock(folio);
		rmap_walk(folio, &rwc);
		folio_unlock(folio);
		expect(seen[0] == 3 && seen[1] == 0 && seen[2] == 4 &&
		       seen[3] == 8, "rmap_walk order %lu: %lu %lu %lu",
		       seen[0], seen[1], seen[2], seen[3]);
		folio_put(folio);
	}
	for (int i = 0; i < 3; i++)
		vm_munmap(mm, a[i], 16 * PAGE_SIZE);
	shmem_evict(f->f_mapping);
	mm_task_bind(NULL);
	mmput(mm);
}

static void t_private_cow(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	struct file *f = shmem_file_setup(SZ, SHMEM_HUGE_NEVER);
	unsigned long s = map_file(mm, f, SZ, 0, true);
	unsigned long p = map_file(mm, f, SZ, 0, false);

	mt_store(mm, s, 0x1);
	expect(mt_load(mm, p) == 0x1, "private mapping reads the file");
	mt_store(mm, s, 0x2);
	expect(mt_load(mm, p) == 0x2, "before COW it still is the file");
	mt_store(mm, p, 0x3);
	expect(mt_load(mm, s) == 0x2, "a private write stays private");
	expect(mt_load(mm, p) == 0x3, "the COW copy holds it");
	expect(get_mm_counter(mm, MM_ANONPAGES) == 1, "one anon COW page");
	mt_store(mm, p + PAGE_SIZE, 0x4);	/* do_cow_fault: no page yet */
	expect(mt_load(mm, s + PAGE_SIZE) == 0, "do_cow_fault left the file");
	mt_quiescent();
	vm_munmap(mm, s, SZ);
	vm_munmap(mm, p, SZ);
	shmem_evict(f->f_mapping);
	mm_task_bind(NULL);
	mmput(mm);
}

static void t_truncate(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	struct file *f = shmem_file_setup(SZ, SHMEM_HUGE_NEVER);
	unsigned long a = map_file(mm, f, SZ, 0, true);
	uint64_t v;

	for (int i = 0; i < 8; i++)
		mt_store(mm, a + i * PAGE_SIZE + 8, 0x10 + i);
	shmem_truncate(f->f_mapping, 2 * PAGE_SIZE + 16);
	expect(f->f_mapping->nrpages == 3, "%lu pages cached, want 3",
	       f->f_mapping->nrpages);
	expect(count_mapped(mm, a + 3 * PAGE_SIZE, 5) == 0,
	       "pages past EOF unmapped");
	expect(mm_user_load(mm, a + 3 * PAGE_SIZE, &v) == -EIO,
	       "past EOF: SIGBUS");
	expect(mt_load(mm, a + 2 * PAGE_SIZE + 8) == 0x12,
	       "below EOF in the partial page: kept");
	/* grow back: the zeroed tail and the freed pages read zero */
	shmem_truncate(f->f_mapping, SZ);
	expect(mt_load(mm, a + 3 * PAGE_SIZE + 8) == 0, "regrown: zero");
	/* MADV_REMOVE punches: the page is freed and reads zero */
	expect(do_madvise(mm, a + PAGE_SIZE, PAGE_SIZE, MADV_REMOVE) == 0,
	       "MADV_REMOVE of a shared mapping");
	expect(mt_load(mm, a + PAGE_SIZE + 8) == 0, "punched: zero");
	expect(mt_load(mm, a + 8) == 0x10, "outside the hole: kept");
	mt_quiescent();
	vm_munmap(mm, a, SZ);
	shmem_evict(f->f_mapping);
	mm_task_bind(NULL);
	mmput(mm);
}

static void t_shared_anon_goes(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long a = vm_mmap(mm, 0, SZ, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, 0);
	struct vm_area_struct *vma;
	unsigned long before = nr_allocated_pages();

	mt_store(mm, a, 1);
	mmap_read_lock(mm);
	vma = vma_lookup(mm, a);
	expect(vma && vma->vm_file && vma->vm_file->f_mapping->anon,
	       "MAP_SHARED|MAP_ANONYMOUS is a tmpfs file");
	mmap_read_unlock(mm);
	expect(nr_allocated_pages() > before, "a page was allocated");
	vm_munmap(mm, a, SZ);
	expect(nr_allocated_pages() <= before,
	       "the last unmap freed the file's pages");
	mm_task_bind(NULL);
	mmput(mm);
}

/*
 * The end-of-execution eviction (shmem_evict_exited) frees what the
 * kernel's path frees and no more: with one folio held by an extra
 * reference (a leak, as the all-exited invariants would see it), the
 * other cached pages go, that folio stays allocated with the reference,
 * out of the cache; the kernel's path (shmem_evict) on a second file in
 * the same state frees the same number of pages.
 */
static void t_evict_exited(void *arg)
{
	struct mm_struct *mm = mt_new_mm();
	unsigned long freed[2];

	for (int k = 0; k < 2; k++) {
		struct file *f = shmem_file_setup(SZ, SHMEM_HUGE_NEVER);
		unsigned long a = map_file(mm, f, SZ, 0, true);
		struct folio *held;
		unsigned long before;

		for (int i = 0; i < 3; i++)
			mt_store(mm, a + i * PAGE_SIZE, 0x20 + i);
		mt_quiescent();
		vm_munmap(mm, a, SZ);
		held = filemap_get_entry(f->f_mapping, 1);	/* +1 ref */
		expect(held && !xa_is_value(held), "page 1 is cached");
		before = nr_allocated_pages();
		if (k)
			shmem_evict(f->f_mapping);
		else
			shmem_evict_exited(f->f_mapping);
		freed[k] = before - nr_allocated_pages();
		expect(f->f_mapping->nrpages == 0, "%s: the cache is empty",
		       k ? "shmem_evict" : "shmem_evict_exited");
		expect(folio_ref_count(held) == 1 && !held->mapping,
		       "%s: the held folio keeps its reference, out of the "
		       "cache (refcount %d)",
		       k ? "shmem_evict" : "shmem_evict_exited",
		       folio_ref_count(held));
		folio_put(held);
	}
	expect(freed[0] == 2 && freed[1] == 2,
	       "both paths free the two unreferenced pages (%lu, %lu)",
	       freed[0], freed[1]);
	mm_task_bind(NULL);
	mmput(mm);
}

static const struct mm_test tests[] = {
	{ "Faultaround maps the cached pages of its window, and only those",
	  t_faultaround },
	{ "A huge tmpfs folio is PMD-mapped without a deposit; DONTNEED keeps "
	  "its data", t_huge_pmd },
	{ "i_mmap and rmap_walk follow vm_pgoff order", t_immap_order },
	{ "A private file mapping reads the file until it writes (COW)",
	  t_private_cow },
	{ "Truncate unmaps and frees past EOF, SIGBUS there; MADV_REMOVE "
	  "punches", t_truncate },
	{ "Shared anonymous memory is a tmpfs file freed with its last "
	  "mapping", t_shared_anon_goes },
	{ "The end-of-execution eviction frees what the kernel's path frees "
	  "and keeps a leaked reference's folio", t_evict_exited },
};

int main(void)
{
	return mm_test_main(tests, sizeof(tests) / sizeof(tests[0]),
			    16 << 20);
}
