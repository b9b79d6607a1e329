// SPDX-License-Identifier: GPL-2.0
/*
 * check/lockdep.c - the lock-order checker for mm/. It enforces the tree
 * at the top of mm/rmap.c, and nothing else:
 *
 * mm->mmap_lock *
 *   folio_lock
 *     anon_vma->rwsem
 *       mm->page_table_lock
 *         pmd_lock *
 *           ptl *
 *
 * Rule: a task may acquire a lock of class C while holding a lock of
 * class H only if H is a proper ancestor of C in the tree, or H == C and
 * C is starred (nests in itself: the kernel's *_nested() annotations,
 * e.g. fork's parent and child mmap_lock or PTLs). Anything else is an
 * inversion, reported as a violation naming both locks and where the
 * held one was taken. Classes not in the tree (other layers' locks) are
 * not checked.
 */
#include <string.h>

#include "check/mm_check.h"

struct lock_class_pos {
	const char *class;	/* sim lock class name */
	const char *parent;	/* NULL: a root */
	bool nests;		/* may be taken while holding its own class */
};

static const struct lock_class_pos lock_tree[] = {
	{ "mmap_lock", NULL, true },
	{ "folio_lock", "mmap_lock", false },
	{ "i_mmap_rwsem", "folio_lock", false },
	{ "anon_vma", "i_mmap_rwsem", false },
	{ "page_table_lock", "anon_vma", false },
	{ "pmd_lock", "page_table_lock", true },
	{ "ptl", "pmd_lock", true },
};

#define NR_CLASSES (sizeof(lock_tree) / sizeof(lock_tree[0]))

static const struct lock_class_pos *class_pos(const char *class)
{
	for (size_t i = 0; i < NR_CLASSES; i++)
		if (class && !strcmp(lock_tree[i].class, class))
			return &lock_tree[i];
	return NULL;
}

int mm_lockdep_depth(const char *class)
{
	const struct lock_class_pos *p = class_pos(class);
	int depth = 0;

	if (!p)
		return -1;
	while (p->parent) {
		p = class_pos(p->parent);
		depth++;
	}
	return depth;
}

/* Is @anc a proper ancestor of @c in the tree? */
static bool is_ancestor(const struct lock_class_pos *anc,
			const struct lock_class_pos *c)
{
	while (c->parent) {
		c = class_pos(c->parent);
		if (c == anc)
			return true;
	}
	return false;
}

static void mm_lockdep_check(int task, const struct sim_held_lock *held,
			     int nr_held, const void *lock, const char *class,
			     int mode, const struct sim_site *site)
{
	const struct lock_class_pos *c = class_pos(class);

	if (!c)
		return;
	for (int i = 0; i < nr_held; i++) {
		const struct lock_class_pos *h = class_pos(held[i].class);

		if (!h || is_ancestor(h, c) || (h == c && c->nests))
			continue;
		sim_violation_at(site,
				 "lock order: task %s takes %s at %s:%d while "
				 "holding %s (taken at %s:%d); mm/rmap.c "
				 "orders %s before %s",
				 sim_task_name(task), class, site->file,
				 site->line, held[i].class,
				 held[i].site->file, held[i].site->line,
				 is_ancestor(c, h) ? class : held[i].class,
				 is_ancestor(c, h) ? held[i].class : class);
		return;
	}
}

void mm_lockdep_install(void)
{
	sim_set_lockdep_hook(mm_lockdep_check);
}
