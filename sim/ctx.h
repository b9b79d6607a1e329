/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/ctx.h - coroutine contexts for the controlled mode (private to sim/).
 *
 * sim_ctx_switch(from, to) saves the callee-saved registers and stack
 * pointer of the running context in @from and resumes @to. Hand-written
 * for x86-64 and aarch64; -DSIM_CTX_UCONTEXT (or any other architecture)
 * selects the portable swapcontext() version.
 */
#ifndef SIM_CTX_H
#define SIM_CTX_H

#include <stddef.h>

#if !defined(SIM_CTX_UCONTEXT) && !defined(__x86_64__) && !defined(__aarch64__)
#define SIM_CTX_UCONTEXT
#endif

#ifdef SIM_CTX_UCONTEXT
#include <ucontext.h>
struct sim_ctx {
	ucontext_t uc;
};
#else
struct sim_ctx {
	void *sp;	/* saved stack pointer; registers are on the stack */
};
#endif

/* Switch from the running context (saved into @from) to @to. */
void sim_ctx_switch(struct sim_ctx *from, struct sim_ctx *to);
/*
 * Prepare @c to start @entry (which must never return) on the stack
 * [@stack, @stack + @size).
 */
void sim_ctx_make(struct sim_ctx *c, void *stack, size_t size,
		  void (*entry)(void));

#endif /* SIM_CTX_H */
