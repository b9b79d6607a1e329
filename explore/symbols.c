// SPDX-License-Identifier: GPL-2.0
/*
 * explore/symbols.c - function names of return addresses, for the call
 * chains of stories (explore/story.c): the ELF symbol table of the running
 * program (/proc/self/exe), static functions included, read once. Only
 * what the story needs: a function's name and, for a file-local one, the
 * source file it came from. SIM: functions the compiler inlined have no
 * frame and so no name here; the yield site's own function is added by the
 * caller. Returns NULL when the table cannot be read (a stripped binary).
 */
#ifndef SIM_STRESS
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/symbols.h"

extern char __executable_start;	/* the linker's: where the program is */

struct sym {
	uintptr_t lo, hi;
	const char *name;
	const char *file;	/* local symbols: their STT_FILE */
};

static struct {
	bool loaded;
	struct sym *v;
	size_t n;
	char *strtab;
	uintptr_t base;
} T;

static int by_lo(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void load(void)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	Elf64_Ehdr eh;
	Elf64_Shdr *sh = NULL;
	Elf64_Sym *syms = NULL;
	size_t nsym = 0;
	const char *file = NULL;

	T.loaded = true;
	if (!f)
		return;
	if (fread(&eh, sizeof(eh), 1, f) != 1 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		goto out;
	sh = calloc(eh.e_shnum, sizeof(*sh));
	if (!sh || fseek(f, eh.e_shoff, SEEK_SET) ||
	    fread(sh, sizeof(*sh), eh.e_shnum, f) != eh.e_shnum)
		goto out;
	for (int i = 0; i < eh.e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh.e_shnum)
			continue;
		nsym = sh[i].sh_size / sizeof(Elf64_Sym);
		syms = malloc(sh[i].sh_size);
		T.strtab = malloc(sh[sh[i].sh_link].sh_size + 1);
		if (!syms || !T.strtab ||
		    fseek(f, sh[i].sh_offset, SEEK_SET) ||
		    fread(syms, sizeof(*syms), nsym, f) != nsym ||
		    fseek(f, sh[sh[i].sh_link].sh_offset, SEEK_SET) ||
		    fread(T.strtab, 1, sh[sh[i].sh_link].sh_size, f) !=
			    sh[sh[i].sh_link].sh_size) {
			nsym = 0;
			break;
		}
		T.strtab[sh[sh[i].sh_link].sh_size] = 0;
		break;
	}
	T.v = calloc(nsym + 1, sizeof(*T.v));
	if (!T.v)
		goto out;
	T.base = eh.e_type == ET_DYN ? (uintptr_t)&__executable_start : 0;
	for (size_t i = 0; i < nsym; i++) {
		int type = ELF64_ST_TYPE(syms[i].st_info);

		if (type == STT_FILE) {
			file = T.strtab + syms[i].st_name;
			continue;
		}
		if (type != STT_FUNC || !syms[i].st_size)
			continue;
		/* foo.isra.0, foo.constprop.0, foo.part.0: foo */
		if (strchr(T.strtab + syms[i].st_name, '.') &&
		    syms[i].st_name)
			*strchr(T.strtab + syms[i].st_name, '.') = 0;
		T.v[T.n++] = (struct sym){
			T.base + syms[i].st_value,
			T.base + syms[i].st_value + syms[i].st_size,
			T.strtab + syms[i].st_name,
			ELF64_ST_BIND(syms[i].st_info) == STB_LOCAL ? file :
								      NULL };
	}
	qsort(T.v, T.n, sizeof(*T.v), by_lo);
out:
	free(sh);
	free(syms);
	fclose(f);
}

const char *sym_name(const void *pc, const char **file)
{
	uintptr_t a = (uintptr_t)pc;
	size_t lo = 0, hi;

	if (!T.loaded)
		load();
	hi = T.n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (T.v[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || a >= T.v[lo - 1].hi)
		return NULL;
	if (file)
		*file = T.v[lo - 1].file;
	return T.v[lo - 1].name;
}
#endif /* !SIM_STRESS */
