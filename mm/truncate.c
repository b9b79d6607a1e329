// SPDX-License-Identifier: GPL-2.0
/*
 * mm/truncate.c - removing folios from the page cache (kernel:
 * mm/truncate.c).
 */
#include "pagemap.h"

/*
 * truncate_inode_folio - see pagemap.h. Folio locked. (1) if it is still
 * mapped (a fault mapped it after truncation's first unmap_mapping_range:
 * it held the folio lock, which we waited for), zap its own mappings -
 * the single-folio zap, which takes and drops each PMD/PTE lock of its
 * mappings; (2) take it out of the cache: its ->mapping goes NULL, so a
 * fault that finds it later under the lock retries.
 */
void truncate_inode_folio(struct address_space *mapping, struct folio *folio)
{
	if (READ_ONCE(folio->mapping) != mapping)
		return;
	if (folio_mapcount(folio))
		unmap_mapping_folio(folio);
	filemap_remove_folio(folio);
}
