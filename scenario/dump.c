// SPDX-License-Identifier: GPL-2.0
/*
 * scenario/dump.c - the canonical text of a scenario, and AST equality.
 *
 * Canonical form: the config line with the keys the file set, in a fixed
 * order; "process" lines; thread blocks in declaration order with ops
 * indented by a tab; the expect line. Sizes are printed with the largest
 * exact K/M/G suffix, offsets, values and addresses in hex. Every name is
 * printed where the source mentioned it, so parsing the dump interns
 * names in the same order and rebuilds the same tables:
 * scenario_equal(parse(dump(s)), s) holds for every parsed s.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/internal.h"

#define ULL(x) ((unsigned long long)(x))

/* size_str - @v with the largest exact K/M/G suffix. Returns @buf. */
static const char *size_str(uint64_t v, char *buf, size_t size)
{
	if (v && !(v % (1ULL << 30)))
		snprintf(buf, size, "%lluG", ULL(v >> 30));
	else if (v && !(v % (1ULL << 20)))
		snprintf(buf, size, "%lluM", ULL(v >> 20));
	else if (v && !(v % (1ULL << 10)))
		snprintf(buf, size, "%lluK", ULL(v >> 10));
	else
		snprintf(buf, size, "%llu", ULL(v));
	return buf;
}

static void put_size(FILE *f, uint64_t v)
{
	char buf[32];

	fprintf(f, " %s", size_str(v, buf, sizeof(buf)));
}

static void put_addr(const struct scenario *s, const struct scn_op *op, FILE *f)
{
	const struct scn_addr *a = &op->addr;

	if (a->handle >= 0)
		fprintf(f, " %s", s->handles[a->handle].name);
	else
		fprintf(f, " %s", s->regions[a->region].name);
	if (a->proc >= 0)
		fprintf(f, "@%s", s->procs[a->proc].name);
	if (a->off)
		fprintf(f, "+%#llx", ULL(a->off));
}

static void put_flags(const struct scn_op *op, FILE *f)
{
	int i;

	for (i = 0; i < SCN_F_NR; i++)
		if (op->flags & (1u << i))
			fprintf(f, " %s", flag_names[i]);
}

static void put_opt_len(const struct scn_op *op, FILE *f)
{
	if (op->len)
		put_size(f, op->len);
}

/* put_operands - everything after the op keyword, canonical order. */
static void put_operands(const struct scenario *s, const struct scn_op *op,
			 FILE *f)
{
	int i;

	switch (op->kind) {
	case SCN_OP_MMAP:
		fprintf(f, " %s", s->regions[op->name].name);
		put_size(f, op->len);
		put_flags(op, f);
		if (op->prot != (SCN_PROT_R | SCN_PROT_W))
			fprintf(f, " prot=%s", prot_name(op->prot));
		if (op->file >= 0)
			fprintf(f, " file=%s", s->files[op->file].name);
		break;
	case SCN_OP_MEMFD:
	case SCN_OP_TRUNCATE:
		fprintf(f, " %s", s->files[op->file].name);
		put_size(f, op->len);
		if (op->huge >= 0)
			fprintf(f, " huge=%s",
				(const char *[]){ "never", "always",
						  "within_size",
						  "advise" }[op->huge]);
		break;
	case SCN_OP_FALLOCATE:
		fprintf(f, " %s %#llx", s->files[op->file].name,
			ULL(op->addr.off));
		put_size(f, op->len);
		break;
	case SCN_OP_MPROTECT:
		put_addr(s, op, f);
		put_opt_len(op, f);
		fprintf(f, " %s", prot_name(op->prot));
		break;
	case SCN_OP_MADVISE:
		put_addr(s, op, f);
		put_opt_len(op, f);
		fprintf(f, " %s", advice_names[op->advice]);
		break;
	case SCN_OP_MREMAP:
		put_addr(s, op, f);
		put_opt_len(op, f);
		put_size(f, op->len2);
		put_flags(op, f);
		break;
	case SCN_OP_FORK:
		fprintf(f, " %s", s->procs[op->name].name);
		break;
	case SCN_OP_UNPIN:
		fprintf(f, " %s", s->handles[op->name].name);
		put_flags(op, f);
		break;
	case SCN_OP_SIGNAL:
	case SCN_OP_WAIT:
		fprintf(f, " %s", s->signals[op->name].name);
		break;
	case SCN_OP_EXIT:
	case SCN_OP_COMPACT:
	case SCN_OP_SPLIT_DEFERRED:
	case SCN_OP_SWAPOFF:
		break;
	case SCN_OP_EXEC:
		if (op->len)
			fprintf(f, " args=%llu", ULL(op->len));
		break;
	case SCN_OP_LOAD:
	case SCN_OP_DEVICE_LOAD:
	case SCN_OP_DMA_READ:
		put_addr(s, op, f);
		if (op->has_val)
			fprintf(f, " == %#llx", ULL(op->val));
		put_flags(op, f);
		break;
	case SCN_OP_STORE:
	case SCN_OP_DEVICE_STORE:
	case SCN_OP_DMA_WRITE:
		put_addr(s, op, f);
		fprintf(f, " %#llx", ULL(op->val));
		put_flags(op, f);
		break;
	case SCN_OP_FILL:
	case SCN_OP_CHECK:
		put_addr(s, op, f);
		put_size(f, op->len);
		fprintf(f, " %#llx", ULL(op->val));
		put_flags(op, f);
		break;
	case SCN_OP_PIN:
		fprintf(f, " %s", s->handles[op->name].name);
		put_addr(s, op, f);
		put_size(f, op->len);
		put_flags(op, f);
		break;
	case SCN_OP_RECLAIM:
	case SCN_OP_KSMD:
		if (op->len)
			fprintf(f, " %llu", ULL(op->len));
		break;
	case SCN_OP_COLLAPSE:
	case SCN_OP_SPLIT:
		put_addr(s, op, f);
		put_flags(op, f);
		break;
	case SCN_OP_SPAWN:
		for (i = 0; i < op->nr_spawn; i++)
			fprintf(f, " %s", s->threads[op->spawn[i]].name);
		break;
	case SCN_OP_PAGEMAP: {
		const char *sep = " == ";

		put_addr(s, op, f);
		put_opt_len(op, f);
		for (i = 0; i < SCN_PM_NR; i++) {
			if (!((op->pm_set | op->pm_clear) & (1u << i)))
				continue;
			fprintf(f, "%s%s%s", sep,
				op->pm_clear & (1u << i) ? "!" : "",
				scenario_pagemap_flags[i]);
			sep = ",";
		}
		break;
	}
	case SCN_OP_PFN_MARK:
	case SCN_OP_SAME_FRAME:
	case SCN_OP_OTHER_FRAME:
		fprintf(f, " %s", s->marks[op->name].name);
		put_addr(s, op, f);
		break;
	case SCN_OP_WAIT_EXIT:
		fprintf(f, " %s", s->procs[op->name].name);
		break;
	default: /* ADDR [LEN] */
		put_addr(s, op, f);
		put_opt_len(op, f);
		break;
	}
}

/* put_keys - KEY=VALUE modifiers (after the flags). */
static void put_keys(const struct scenario *s, const struct scn_op *op, FILE *f)
{
	if (op->node >= 0)
		fprintf(f, " node=%d", op->node);
	if (op->at)
		fprintf(f, " at=%#llx", ULL(op->at));
	if (op->kind == SCN_OP_DEVICE_MIGRATE)
		fprintf(f, " to=%s",
			op->to == SCN_TO_DEVICE ? "device" : "system");
	if (op->kind == SCN_OP_MREMAP && op->name >= 0)
		fprintf(f, " as=%s", s->regions[op->name].name);
}

int scenario_dump_op(const struct scenario *s, const struct scn_op *op, FILE *f)
{
	fputs(scenario_op_name(op->kind), f);
	put_operands(s, op, f);
	put_keys(s, op, f);
	return ferror(f) ? -1 : 0;
}

static void dump_config(const struct scn_config *c, FILE *f)
{
	static const char *const thp[] = { "madvise", "always", "never" };
	char b[32];
	int i;

	if (!c->set)
		return;
	fputs("config", f);
	if (c->set & SCN_CFG_MEM)
		fprintf(f, " mem=%s", size_str(c->mem, b, sizeof(b)));
	if (c->set & SCN_CFG_NODES)
		fprintf(f, " nodes=%u", c->nodes);
	if (c->set & SCN_CFG_CPUS)
		fprintf(f, " cpus=%u", c->cpus);
	if (c->set & SCN_CFG_SWAP)
		fprintf(f, " swap=%s", size_str(c->swap, b, sizeof(b)));
	if (c->set & SCN_CFG_DEVICE)
		fprintf(f, " device=%s", size_str(c->device, b, sizeof(b)));
	if (c->set & SCN_CFG_THP)
		fprintf(f, " thp=%s", thp[c->thp]);
	if (c->set & SCN_CFG_THP_NUMA)
		fprintf(f, " thp_numa=%s",
			c->thp_numa == SCN_THP_NUMA_LEGACY ? "legacy" :
							     "current");
	if (c->set & SCN_CFG_ARCH)
		fprintf(f, " arch=%s", c->arch == SCN_ARCH_ARM64 ? "arm64" : "x86");
	if (c->set & SCN_CFG_TLB_FREE)
		fprintf(f, " tlb_free=%s",
			c->tlb_free == SCN_TLB_FREE_RCU ? "rcu" : "ipi");
	if (c->set & SCN_CFG_SHMEM) {
		static const char *const shmem[] = {
			"never", "always", "within_size", "advise", "deny",
			"force",
		};

		fprintf(f, " shmem_enabled=%s", shmem[c->shmem_enabled]);
	}
	if (c->set & SCN_CFG_MEMORY)
		fprintf(f, " memory=%s",
			c->memory == SCN_MEMORY_ARM64 ? "arm64" :
			c->memory == SCN_MEMORY_TSO   ? "tso" :
							"sc");
	if (c->set & SCN_CFG_SWAP_IO)
		fprintf(f, " swap_io=%s",
			c->swap_io == SCN_SWAP_IO_SYNC ? "sync" : "async");
	for (i = 0; i < c->nr_regress; i++)
		fprintf(f, "%s%s", i ? "," : " regress=", c->regress[i]);
	if (c->set & SCN_CFG_STEPS)
		fprintf(f, " steps=%llu", ULL(c->steps));
	if (c->set & SCN_CFG_SEED)
		fprintf(f, " seed=%llu", ULL(c->seed));
	fputc('\n', f);
}

/* Is op @k of thread @t in the first copy of a repeat body? */
static bool in_repeat(const struct scenario *s, const struct scn_thread *t,
		      int k)
{
	for (int j = k; j >= 0 && k < t->nr_ops; j--) {
		const struct scn_op *op = &s->ops[t->first_op + j];

		if (op->repeat)
			return k < j + op->repeat_len;
		if (op->repeat_copy)
			return false;
	}
	return false;
}

int scenario_dump(const struct scenario *s, FILE *f)
{
	const struct scn_thread *t;
	int i, k;

	dump_config(&s->config, f);
	for (i = 0; i < s->nr_procs; i++)
		if (s->procs[i].declared)
			fprintf(f, "process %s\n", s->procs[i].name);
	for (i = 0; i < s->nr_threads; i++) {
		t = &s->threads[i];
		if (t->kthread)
			fprintf(f, "kthread %s:\n", t->name);
		else if (s->procs[t->proc].implicit)
			fprintf(f, "thread %s:\n", t->name);
		else
			fprintf(f, "thread %s in %s:\n", t->name,
				s->procs[t->proc].name);
		for (k = 0; k < t->nr_ops; k++) {
			const struct scn_op *op = &s->ops[t->first_op + k];

			if (op->repeat_copy)
				continue;
			if (op->repeat)
				fprintf(f, "\trepeat %u:\n", op->repeat);
			fputs(in_repeat(s, t, k) ? "\t\t" : "\t", f);
			scenario_dump_op(s, op, f);
			fputc('\n', f);
			if (in_repeat(s, t, k) && !in_repeat(s, t, k + 1))
				fputs("\tend\n", f);
		}
	}
	fprintf(f, "expect %s%s%s\n", scenario_verdict_name(s->expect.verdict),
		s->expect.kind ? " " : "",
		s->expect.kind ? s->expect.kind : "");
	return ferror(f) ? -1 : 0;
}

char *scenario_dump_str(const struct scenario *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (scenario_dump(s, f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- equality ---- */

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool config_eq(const struct scn_config *a, const struct scn_config *b)
{
	int i;

	if (a->mem != b->mem || a->nodes != b->nodes || a->cpus != b->cpus ||
	    a->swap != b->swap || a->device != b->device || a->thp != b->thp ||
	    a->thp_numa != b->thp_numa || a->arch != b->arch ||
	    a->tlb_free != b->tlb_free || a->memory != b->memory ||
	    a->shmem_enabled != b->shmem_enabled ||
	    a->swap_io != b->swap_io ||
	    a->steps != b->steps ||
	    a->seed != b->seed || a->set != b->set ||
	    a->nr_regress != b->nr_regress)
		return false;
	for (i = 0; i < a->nr_regress; i++)
		if (!str_eq(a->regress[i], b->regress[i]))
			return false;
	return true;
}

static bool op_eq(const struct scn_op *a, const struct scn_op *b)
{
	return a->kind == b->kind && a->thread == b->thread &&
	       a->name == b->name && a->addr.region == b->addr.region &&
	       a->addr.handle == b->addr.handle &&
	       a->addr.proc == b->addr.proc && a->addr.off == b->addr.off &&
	       a->len == b->len && a->len2 == b->len2 && a->val == b->val &&
	       a->has_val == b->has_val && a->flags == b->flags &&
	       a->prot == b->prot && a->advice == b->advice && a->to == b->to &&
	       a->node == b->node && a->at == b->at &&
	       a->nr_spawn == b->nr_spawn && a->repeat == b->repeat &&
	       a->file == b->file && a->huge == b->huge &&
	       a->repeat_len == b->repeat_len &&
	       a->repeat_copy == b->repeat_copy &&
	       a->pm_set == b->pm_set && a->pm_clear == b->pm_clear &&
	       (!a->nr_spawn ||
		!memcmp(a->spawn, b->spawn, a->nr_spawn * sizeof(int)));
}

static bool tables_eq(const struct scenario *a, const struct scenario *b)
{
	int i;

	for (i = 0; i < a->nr_procs; i++) {
		const struct scn_proc *x = &a->procs[i], *y = &b->procs[i];

		if (!str_eq(x->name, y->name) || x->parent != y->parent ||
		    x->fork_op != y->fork_op ||
		    x->first_thread != y->first_thread ||
		    x->implicit != y->implicit || x->declared != y->declared)
			return false;
	}
	for (i = 0; i < a->nr_threads; i++) {
		const struct scn_thread *x = &a->threads[i],
					*y = &b->threads[i];

		if (!str_eq(x->name, y->name) || x->kthread != y->kthread ||
		    x->proc != y->proc || x->first_op != y->first_op ||
		    x->nr_ops != y->nr_ops || x->spawn_op != y->spawn_op)
			return false;
	}
	for (i = 0; i < a->nr_regions; i++)
		if (!str_eq(a->regions[i].name, b->regions[i].name) ||
		    a->regions[i].proc != b->regions[i].proc ||
		    a->regions[i].op != b->regions[i].op ||
		    a->regions[i].size != b->regions[i].size)
			return false;
	for (i = 0; i < a->nr_handles; i++)
		if (!str_eq(a->handles[i].name, b->handles[i].name) ||
		    a->handles[i].op != b->handles[i].op ||
		    a->handles[i].len != b->handles[i].len)
			return false;
	for (i = 0; i < a->nr_files; i++)
		if (!str_eq(a->files[i].name, b->files[i].name) ||
		    a->files[i].op != b->files[i].op ||
		    a->files[i].size != b->files[i].size)
			return false;
	for (i = 0; i < a->nr_marks; i++)
		if (!str_eq(a->marks[i].name, b->marks[i].name) ||
		    a->marks[i].nr_set != b->marks[i].nr_set)
			return false;
	for (i = 0; i < a->nr_signals; i++)
		if (!str_eq(a->signals[i].name, b->signals[i].name) ||
		    a->signals[i].nr_signal != b->signals[i].nr_signal ||
		    a->signals[i].nr_wait != b->signals[i].nr_wait)
			return false;
	return true;
}

bool scenario_equal(const struct scenario *a, const struct scenario *b)
{
	int i;

	if (a->nr_procs != b->nr_procs || a->nr_threads != b->nr_threads ||
	    a->nr_ops != b->nr_ops || a->nr_regions != b->nr_regions ||
	    a->nr_handles != b->nr_handles || a->nr_signals != b->nr_signals ||
	    a->nr_files != b->nr_files || a->nr_marks != b->nr_marks ||
	    a->expect.verdict != b->expect.verdict ||
	    !str_eq(a->expect.kind, b->expect.kind) ||
	    !config_eq(&a->config, &b->config) || !tables_eq(a, b))
		return false;
	for (i = 0; i < a->nr_ops; i++)
		if (!op_eq(&a->ops[i], &b->ops[i]))
			return false;
	return true;
}
