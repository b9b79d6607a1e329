// SPDX-License-Identifier: GPL-2.0
/*
 * explore/symbols.c - function names of return addresses, for the call
 * chains of stories (explore/story.c): the ELF symbol table of the running
 * program (/proc/self/exe), static functions included, read once. Only
 * what the story needs: a function's name and, for a file-local one, the
 * source file it came from. Returns NULL when the table cannot be read (a
 * stripped binary).
 *
 * Functions the compiler inlined have no frame and no symbol: their names
 * come from the DWARF inline records of the program's debug information
 * (the build uses -g), read by binutils' addr2line -i (always installed
 * with the compiler) run once per process as a coprocess and asked about
 * each distinct return address once (a cache). Without addr2line or debug
 * information a frame is only its symbol, as before.
 */
#ifndef SIM_STRESS
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* ---- inlined functions: addr2line -i as a coprocess ---- */

#define INL_MAX 8		/* inline levels kept per address */

struct inl {
	uintptr_t pc;		/* 0: free slot */
	uint8_t n;
	const char *name[INL_MAX];	/* innermost first */
};

static struct {
	pid_t owner;		/* the process that started it */
	pid_t pid;		/* addr2line's */
	bool failed, reaper;
	int fd;
	FILE *in;
	struct inl *tab;
	size_t cap, n;
	char **names;		/* interned names */
	size_t nr_names, cap_names;
} A;

extern char **environ;

/* At exit: close addr2line's input (it ends) and reap it, so it does not
 * stay a zombie (a process of ours that a waitpid(-1) could report). */
static void a2l_stop(void)
{
	if (A.owner != getpid() || !A.in)
		return;
	fclose(A.in);
	A.in = NULL;
	waitpid(A.pid, NULL, 0);
}

static bool a2l_start(void)
{
	char exe[4096], *argv[8];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	posix_spawn_file_actions_t fa;
	int sv[2], null;
	pid_t pid;

	if (A.owner == getpid())
		return !A.failed;
	if (A.in)	/* a worker process: the parent's coprocess is not ours */
		fclose(A.in);
	A.in = NULL;
	A.owner = getpid();
	A.failed = true;
	if (len <= 0 || getenv("MMSIM_NO_INLINE"))
		return false;
	exe[len] = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return false;
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	if (null >= 0)
		posix_spawn_file_actions_adddup2(&fa, null, 2);
	argv[0] = "addr2line";
	argv[1] = "-a";
	argv[2] = "-i";
	argv[3] = "-f";
	argv[4] = "-e";
	argv[5] = exe;
	argv[6] = NULL;
	if (posix_spawnp(&pid, "addr2line", &fa, NULL, argv, environ)) {
		close(sv[0]);
		sv[0] = -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (null >= 0)
		close(null);
	if (sv[0] < 0)
		return false;
	A.fd = sv[0];
	A.pid = pid;
	A.in = fdopen(sv[0], "r");
	if (!A.in) {
		close(sv[0]);
		return false;
	}
	if (!A.reaper)
		A.reaper = !atexit(a2l_stop);
	A.failed = false;
	return true;
}

static const char *intern(const char *s)
{
	for (size_t i = 0; i < A.nr_names; i++)
		if (!strcmp(A.names[i], s))
			return A.names[i];
	if (A.nr_names == A.cap_names) {
		size_t cap = A.cap_names ? 2 * A.cap_names : 256;
		char **n = realloc(A.names, cap * sizeof(*n));

		if (!n)
			return NULL;
		A.names = n;
		A.cap_names = cap;
	}
	A.names[A.nr_names] = strdup(s);
	return A.names[A.nr_names] ? A.names[A.nr_names++] : NULL;
}

/* Ask the coprocess about @off (an address in the file); false when it
 * died (then no more questions). */
static bool a2l_ask(uintptr_t off, struct inl *r)
{
	char q[64], *line = NULL;
	size_t cap = 0;
	int hdr = 0, n;
	bool fn = true;

	/* the address, then a sentinel whose header ends the answer */
	n = snprintf(q, sizeof(q), "%#lx\n0\n", (unsigned long)off);
	if (send(A.fd, q, n, MSG_NOSIGNAL) != n)
		goto dead;
	while (getline(&line, &cap, A.in) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "0x", 2)) {
			if (++hdr == 2)
				break;
			continue;
		}
		if (fn && r->n < INL_MAX && strcmp(line, "??"))
			r->name[r->n++] = intern(line);
		fn = !fn;
	}
	/* the sentinel's function and file lines */
	if (hdr < 2 || getline(&line, &cap, A.in) <= 0 ||
	    getline(&line, &cap, A.in) <= 0)
		goto dead;
	free(line);
	return true;
dead:
	free(line);
	fclose(A.in);
	A.in = NULL;
	A.failed = true;
	r->n = 0;
	return false;
}

static uint64_t pc_hash(uintptr_t pc)
{
	uint64_t k = pc;

	k ^= k >> 29;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 32;
	return k;
}

int sym_inlined(const void *pc, const char **v, int max)
{
	uintptr_t a = (uintptr_t)pc;
	struct inl *r;
	size_t i;
	int n;

	if (!T.loaded)
		load();
	if (!a || !a2l_start())
		return 0;
	if ((A.n + 1) * 2 > A.cap) {
		struct inl *o = A.tab;
		size_t oc = A.cap;

		A.cap = oc ? 2 * oc : 4096;
		A.tab = calloc(A.cap, sizeof(*A.tab));
		if (!A.tab) {
			A.tab = o;
			A.cap = oc;
			return 0;
		}
		for (size_t k = 0; k < oc; k++) {
			if (!o[k].pc)
				continue;
			for (i = pc_hash(o[k].pc) & (A.cap - 1); A.tab[i].pc;
			     i = (i + 1) & (A.cap - 1))
				;
			A.tab[i] = o[k];
		}
		free(o);
	}
	for (i = pc_hash(a) & (A.cap - 1); A.tab[i].pc && A.tab[i].pc != a;
	     i = (i + 1) & (A.cap - 1))
		;
	r = &A.tab[i];
	if (!r->pc) {
		struct inl got = { a };

		/* a return address: the call is the byte before it */
		if (!a2l_ask(a - 1 - T.base, &got))
			return 0;
		*r = got;
		A.n++;
	}
	n = r->n < max ? r->n : max;
	memcpy(v, r->name, n * sizeof(*v));
	return n;
}
#endif /* !SIM_STRESS */
