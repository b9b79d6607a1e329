// SPDX-License-Identifier: GPL-2.0
/*
 * sim/ctx.c - building the first frame of a new context, and the ucontext
 * fallback. The switch itself is in ctx_<arch>.S.
 */
#include <stdint.h>
#include <string.h>

#include "sim/ctx.h"

#ifdef SIM_CTX_UCONTEXT
void sim_ctx_switch(struct sim_ctx *from, struct sim_ctx *to)
{
	swapcontext(&from->uc, &to->uc);
}

void sim_ctx_make(struct sim_ctx *c, void *stack, size_t size,
		  void (*entry)(void))
{
	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, entry, 0);
}
#elif defined(__x86_64__)
/*
 * Frame popped by sim_ctx_switch: r15 r14 r13 r12 rbx rbp (all zero), then
 * the return address @entry. @entry starts with %rsp = 8 mod 16, as if
 * called; the slot above it is a zero "return address" ending backtraces.
 */
void sim_ctx_make(struct sim_ctx *c, void *stack, size_t size,
		  void (*entry)(void))
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	uint64_t *sp = (uint64_t *)(top - 16);

	sp[1] = 0;
	sp[0] = (uint64_t)(uintptr_t)entry;
	sp -= 6;
	memset(sp, 0, 6 * sizeof(*sp));
	c->sp = sp;
}
#elif defined(__aarch64__)
/* Frame popped by sim_ctx_switch: 176 bytes, x29 = 0, x30 = @entry. */
void sim_ctx_make(struct sim_ctx *c, void *stack, size_t size,
		  void (*entry)(void))
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	uint64_t *sp = (uint64_t *)(top - 176);

	memset(sp, 0, 176);
	sp[11] = (uint64_t)(uintptr_t)entry;	/* x30 at offset 88 */
	c->sp = sp;
}
#endif
