/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/atomic.h - atomics, bit operations and READ_ONCE/WRITE_ONCE with the
 * kernel's names. Each is a yield point (controlled mode) recorded with the
 * caller's file:line, then a real sequentially consistent atomic (so the
 * same code is correct on pthreads in stress mode).
 *
 * The __-prefixed non-atomic bit operations are for objects no other task
 * can see yet; they are not yield points.
 */
#ifndef SIM_ATOMIC_H
#define SIM_ATOMIC_H

#include "sim/sim.h"
#include "sim/storebuf.h"

#define SIM_MO __ATOMIC_SEQ_CST

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i) { (i) }

#define SIM_AT(kind, p, lbl) sim_yield_site((kind), (p), SIM_SITE(lbl))

/*
 * The memory model hooks (sim/storebuf.h). Under memory=sc, and always in
 * stress mode, each is the plain sequentially consistent access behind one
 * predictable branch.
 *
 * SIM_LOAD(p): a shared load, seeing what this CPU may see.
 * SIM_STORE(p, v, fl): a shared store, pending in the store buffer.
 * SIM_RMW(p, full, expr): an atomic RMW @expr on *@p; @full: a full
 *	barrier (value-returning); else relaxed (arm64: its write pends).
 */
#ifdef SIM_STRESS
#define SIM_LOAD(p) __atomic_load_n((p), SIM_MO)
#define SIM_STORE(p, v, fl) __atomic_store_n((p), (v), SIM_MO)
#define SIM_RMW(p, full, expr) (expr)
#else
#define SIM_LOAD(p)                                                        \
	({ __auto_type __sbp = (p);                                        \
	   __auto_type __sbv = __atomic_load_n(__sbp, SIM_MO);             \
	   if (__builtin_expect(sim_sb_live, 0)) {                         \
		   uint64_t __sbb = 0;                                     \
		   __builtin_memcpy(&__sbb, &__sbv, sizeof(__sbv));        \
		   __sbb = sim_sb_visible(__sbp, sizeof(__sbv), __sbb);    \
		   __builtin_memcpy(&__sbv, &__sbb, sizeof(__sbv));        \
	   }                                                               \
	   __sbv; })
#define SIM_STORE(p, v, fl)                                                \
	do {                                                               \
		__auto_type __sbp = (p);                                   \
		__typeof__(*__sbp) __sbv = (v);                            \
		if (__builtin_expect(sim_sb_live, 0)) {                    \
			uint64_t __sbb = 0;                                \
			__builtin_memcpy(&__sbb, &__sbv, sizeof(__sbv));   \
			sim_sb_store((void *)__sbp, sizeof(__sbv), __sbb,  \
				     (fl));                                \
		} else {                                                   \
			__atomic_store_n(__sbp, __sbv, SIM_MO);            \
		}                                                          \
	} while (0)
#define SIM_RMW(p, full, expr)                                             \
	({ uint64_t __sbo = 0;                                             \
	   if (__builtin_expect(sim_sb_live, 0))                           \
		   __sbo = sim_sb_rmw_begin((void *)(p), sizeof(*(p)),     \
					    (full));                       \
	   __auto_type __sbr = (expr);                                     \
	   if (__builtin_expect(sim_sb_live, 0))                           \
		   sim_sb_rmw_end((void *)(p), sizeof(*(p)), __sbo, (full)); \
	   __sbr; })
#endif

#define atomic_read(v)                                                     \
	({ SIM_AT(SIM_EV_READ, (v), "atomic_read");                        \
	   SIM_LOAD(&(v)->counter); })
/* SIM: loads are never reordered in the model: acquire is a plain load. */
#define atomic_read_acquire(v)                                             \
	({ SIM_AT(SIM_EV_READ, (v), "atomic_read_acquire");                \
	   SIM_LOAD(&(v)->counter); })
#define atomic_set(v, i)                                                   \
	({ SIM_AT(SIM_EV_WRITE, (v), "atomic_set");                        \
	   SIM_STORE(&(v)->counter, (i), 0); })
#define atomic_set_release(v, i)                                           \
	({ SIM_AT(SIM_EV_WRITE, (v), "atomic_set_release");                \
	   SIM_STORE(&(v)->counter, (i), SIM_SB_RELEASE); })
/* Value-returning: full barriers. */
#define atomic_add_return(i, v)                                            \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_add_return");                   \
	   SIM_RMW(&(v)->counter, true,                                    \
		   __atomic_add_fetch(&(v)->counter, (i), SIM_MO)); })
#define atomic_sub_return(i, v)                                            \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_sub_return");                   \
	   SIM_RMW(&(v)->counter, true,                                    \
		   __atomic_sub_fetch(&(v)->counter, (i), SIM_MO)); })
#define atomic_fetch_add(i, v)                                             \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_fetch_add");                    \
	   SIM_RMW(&(v)->counter, true,                                    \
		   __atomic_fetch_add(&(v)->counter, (i), SIM_MO)); })
/* Non-value-returning: order nothing (Documentation/atomic_t.txt). */
#define atomic_add(i, v)                                                   \
	((void)({ SIM_AT(SIM_EV_RMW, (v), "atomic_add");                   \
		  SIM_RMW(&(v)->counter, false,                            \
			  __atomic_add_fetch(&(v)->counter, (i), SIM_MO)); }))
#define atomic_sub(i, v)                                                   \
	((void)({ SIM_AT(SIM_EV_RMW, (v), "atomic_sub");                   \
		  SIM_RMW(&(v)->counter, false,                            \
			  __atomic_sub_fetch(&(v)->counter, (i), SIM_MO)); }))
#define atomic_inc(v) atomic_add(1, (v))
#define atomic_dec(v) atomic_sub(1, (v))
#define atomic_inc_return(v) atomic_add_return(1, (v))
#define atomic_dec_return(v) atomic_sub_return(1, (v))
#define atomic_dec_and_test(v) (atomic_sub_return(1, (v)) == 0)
#define atomic_sub_and_test(i, v) (atomic_sub_return((i), (v)) == 0)
#define atomic_add_negative(i, v) (atomic_add_return((i), (v)) < 0)
/* Returns the old value; stores @new only if the old value was @old. */
#define atomic_cmpxchg(v, old, new)                                        \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_cmpxchg");                      \
	   __typeof__((v)->counter) __o = (old);                           \
	   SIM_RMW(&(v)->counter, true,                                    \
		   __atomic_compare_exchange_n(&(v)->counter, &__o, (new), \
					       0, SIM_MO, SIM_MO));        \
	   __o; })
#define atomic_xchg(v, new)                                                \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_xchg");                         \
	   SIM_RMW(&(v)->counter, true,                                    \
		   __atomic_exchange_n(&(v)->counter, (new), SIM_MO)); })
/* Add @a unless the value is @u; true if it added. One atomic step. */
#define atomic_add_unless(v, a, u)                                         \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_add_unless");                   \
	   __typeof__((v)->counter) __c;                                   \
	   SIM_RMW(&(v)->counter, true, ({                                 \
		   __c = __atomic_load_n(&(v)->counter, SIM_MO);           \
		   while (__c != (u) &&                                    \
			  !__atomic_compare_exchange_n(&(v)->counter, &__c, \
						       __c + (a), 0,       \
						       SIM_MO, SIM_MO))    \
			   ;                                               \
		   0; }));                                                 \
	   __c != (u); })
#define atomic_inc_not_zero(v) atomic_add_unless((v), 1, 0)

#define atomic_long_read atomic_read
#define atomic_long_set atomic_set
#define atomic_long_add atomic_add
#define atomic_long_sub atomic_sub
#define atomic_long_inc atomic_inc
#define atomic_long_dec atomic_dec
#define atomic_long_add_return atomic_add_return
#define atomic_long_sub_return atomic_sub_return
#define atomic_long_cmpxchg atomic_cmpxchg

/* Generic cmpxchg/xchg on an integer or pointer lvalue: full barriers. */
#define cmpxchg(ptr, old, new)                                             \
	({ SIM_AT(SIM_EV_RMW, (ptr), "cmpxchg");                           \
	   __typeof__(*(ptr)) __o = (old);                                 \
	   SIM_RMW((ptr), true,                                            \
		   __atomic_compare_exchange_n((ptr), &__o, (new), 0,      \
					       SIM_MO, SIM_MO));           \
	   __o; })
#define xchg(ptr, v)                                                       \
	({ SIM_AT(SIM_EV_RMW, (ptr), "xchg");                              \
	   SIM_RMW((ptr), true, __atomic_exchange_n((ptr), (v), SIM_MO)); })

/* READ_ONCE/WRITE_ONCE: a shared load or store, a yield point. */
#define READ_ONCE(x)                                                       \
	({ SIM_AT(SIM_EV_READ, &(x), "READ_ONCE"); SIM_LOAD(&(x)); })
#define WRITE_ONCE(x, v)                                                   \
	do {                                                               \
		SIM_AT(SIM_EV_WRITE, &(x), "WRITE_ONCE");                  \
		SIM_STORE(&(x), (v), 0);                                   \
	} while (0)
/* The same with a caller-chosen race-window label. */
#define READ_ONCE_L(x, lbl)                                                \
	({ SIM_AT(SIM_EV_READ, &(x), lbl); SIM_LOAD(&(x)); })
#define WRITE_ONCE_L(x, v, lbl)                                            \
	do {                                                               \
		SIM_AT(SIM_EV_WRITE, &(x), lbl);                           \
		SIM_STORE(&(x), (v), 0);                                   \
	} while (0)
/* smp_store_release: visible only after every earlier store. */
#define smp_store_release(p, v)                                            \
	do {                                                               \
		SIM_AT(SIM_EV_WRITE, (p), "smp_store_release");            \
		SIM_STORE((p), (v), SIM_SB_RELEASE);                       \
	} while (0)
/* SIM: loads are never reordered in the model: acquire is a plain load. */
#define smp_load_acquire(p)                                                \
	({ SIM_AT(SIM_EV_READ, (p), "smp_load_acquire"); SIM_LOAD(p); })

/*
 * Barriers. Stress mode: real fences. Controlled mode: sequential
 * consistency holds under memory=sc; under tso/arm64 smp_mb() makes this
 * CPU's pending stores visible, smp_wmb() orders them (arm64). smp_rmb()
 * orders nothing the model can reorder (loads are performed in order).
 */
#define smp_mb() (__atomic_thread_fence(SIM_MO), sim_sb_mb())
#define smp_rmb() __atomic_thread_fence(SIM_MO)
#define smp_wmb() (__atomic_thread_fence(SIM_MO), sim_sb_wmb())
#define smp_mb__after_atomic() smp_mb()
#define smp_mb__before_atomic() smp_mb()

/* ---- bit operations on unsigned long words ---- */

#define BITS_PER_LONG 64
#define BIT(nr) (1UL << (nr))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))

#define test_bit(nr, addr)                                                 \
	({ SIM_AT(SIM_EV_READ, (addr), "test_bit");                        \
	   (SIM_LOAD(&(addr)[BIT_WORD(nr)]) & BIT_MASK(nr)) != 0; })
/* set_bit/clear_bit return nothing: relaxed. */
#define set_bit(nr, addr)                                                  \
	((void)({ SIM_AT(SIM_EV_RMW, (addr), "set_bit");                   \
		  SIM_RMW(&(addr)[BIT_WORD(nr)], false,                    \
			  __atomic_fetch_or(&(addr)[BIT_WORD(nr)],         \
					    BIT_MASK(nr), SIM_MO)); }))
#define clear_bit(nr, addr)                                                \
	((void)({ SIM_AT(SIM_EV_RMW, (addr), "clear_bit");                 \
		  SIM_RMW(&(addr)[BIT_WORD(nr)], false,                    \
			  __atomic_fetch_and(&(addr)[BIT_WORD(nr)],        \
					     ~BIT_MASK(nr), SIM_MO)); }))
#define test_and_set_bit(nr, addr)                                         \
	({ SIM_AT(SIM_EV_RMW, (addr), "test_and_set_bit");                 \
	   (SIM_RMW(&(addr)[BIT_WORD(nr)], true,                           \
		    __atomic_fetch_or(&(addr)[BIT_WORD(nr)], BIT_MASK(nr), \
				      SIM_MO)) & BIT_MASK(nr)) != 0; })
#define test_and_clear_bit(nr, addr)                                       \
	({ SIM_AT(SIM_EV_RMW, (addr), "test_and_clear_bit");               \
	   (SIM_RMW(&(addr)[BIT_WORD(nr)], true,                           \
		    __atomic_fetch_and(&(addr)[BIT_WORD(nr)],              \
				       ~BIT_MASK(nr), SIM_MO)) &           \
	    BIT_MASK(nr)) != 0; })
#define test_and_set_bit_lock(nr, addr) test_and_set_bit((nr), (addr))
/* A release: every earlier store first (SIM: at once). */
#define clear_bit_unlock(nr, addr) (sim_sb_mb(), clear_bit((nr), (addr)))

/* Non-atomic: only for objects not yet visible to other tasks. */
static inline void __set_bit(int nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(int nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool __test_bit(int nr, const unsigned long *addr)
{
	return (addr[BIT_WORD(nr)] & BIT_MASK(nr)) != 0;
}

#endif /* SIM_ATOMIC_H */
