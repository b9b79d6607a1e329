/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim_ctx_switch(struct sim_ctx *from, struct sim_ctx *to) for x86-64 SysV.
 * Pushes the callee-saved registers, stores %rsp in from->sp, loads
 * to->sp, pops and returns into the other context. MXCSR and the x87
 * control word are not switched: model code never changes them.
 */
#if defined(__x86_64__) && !defined(SIM_CTX_UCONTEXT)
	.text
	.globl	sim_ctx_switch
	.type	sim_ctx_switch, @function
	.p2align 4
sim_ctx_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	sim_ctx_switch, .-sim_ctx_switch
#endif
	.section .note.GNU-stack,"",@progbits
