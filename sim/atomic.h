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

#define SIM_MO __ATOMIC_SEQ_CST

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i) { (i) }

#define SIM_AT(kind, p, lbl) sim_yield_site((kind), (p), SIM_SITE(lbl))

#define atomic_read(v)                                                     \
	({ SIM_AT(SIM_EV_READ, (v), "atomic_read");                        \
	   __atomic_load_n(&(v)->counter, SIM_MO); })
#define atomic_set(v, i)                                                   \
	({ SIM_AT(SIM_EV_WRITE, (v), "atomic_set");                        \
	   __atomic_store_n(&(v)->counter, (i), SIM_MO); })
#define atomic_add_return(i, v)                                            \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_add_return");                   \
	   __atomic_add_fetch(&(v)->counter, (i), SIM_MO); })
#define atomic_sub_return(i, v)                                            \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_sub_return");                   \
	   __atomic_sub_fetch(&(v)->counter, (i), SIM_MO); })
#define atomic_fetch_add(i, v)                                             \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_fetch_add");                    \
	   __atomic_fetch_add(&(v)->counter, (i), SIM_MO); })
#define atomic_add(i, v) ((void)atomic_add_return((i), (v)))
#define atomic_sub(i, v) ((void)atomic_sub_return((i), (v)))
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
	   __atomic_compare_exchange_n(&(v)->counter, &__o, (new), 0,      \
				       SIM_MO, SIM_MO);                    \
	   __o; })
#define atomic_xchg(v, new)                                                \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_xchg");                         \
	   __atomic_exchange_n(&(v)->counter, (new), SIM_MO); })
/* Add @a unless the value is @u; true if it added. One atomic step. */
#define atomic_add_unless(v, a, u)                                         \
	({ SIM_AT(SIM_EV_RMW, (v), "atomic_add_unless");                   \
	   __typeof__((v)->counter) __c =                                  \
		   __atomic_load_n(&(v)->counter, SIM_MO);                 \
	   while (__c != (u) &&                                            \
		  !__atomic_compare_exchange_n(&(v)->counter, &__c,        \
					       __c + (a), 0, SIM_MO,       \
					       SIM_MO))                    \
		   ;                                                       \
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

/* Generic cmpxchg/xchg on an integer or pointer lvalue. */
#define cmpxchg(ptr, old, new)                                             \
	({ SIM_AT(SIM_EV_RMW, (ptr), "cmpxchg");                           \
	   __typeof__(*(ptr)) __o = (old);                                 \
	   __atomic_compare_exchange_n((ptr), &__o, (new), 0, SIM_MO,      \
				       SIM_MO);                            \
	   __o; })
#define xchg(ptr, v)                                                       \
	({ SIM_AT(SIM_EV_RMW, (ptr), "xchg");                              \
	   __atomic_exchange_n((ptr), (v), SIM_MO); })

/* READ_ONCE/WRITE_ONCE: a shared load or store, a yield point. */
#define READ_ONCE(x)                                                       \
	({ SIM_AT(SIM_EV_READ, &(x), "READ_ONCE");                         \
	   __atomic_load_n(&(x), SIM_MO); })
#define WRITE_ONCE(x, v)                                                   \
	do {                                                               \
		SIM_AT(SIM_EV_WRITE, &(x), "WRITE_ONCE");                  \
		__atomic_store_n(&(x), (v), SIM_MO);                       \
	} while (0)
/* The same with a caller-chosen race-window label. */
#define READ_ONCE_L(x, lbl)                                                \
	({ SIM_AT(SIM_EV_READ, &(x), lbl); __atomic_load_n(&(x), SIM_MO); })
#define WRITE_ONCE_L(x, v, lbl)                                            \
	do {                                                               \
		SIM_AT(SIM_EV_WRITE, &(x), lbl);                           \
		__atomic_store_n(&(x), (v), SIM_MO);                       \
	} while (0)

/* Barriers: sequential consistency already holds in both modes. */
#define smp_mb() __atomic_thread_fence(SIM_MO)
#define smp_rmb() smp_mb()
#define smp_wmb() smp_mb()
#define smp_mb__after_atomic() smp_mb()
#define smp_mb__before_atomic() smp_mb()

/* ---- bit operations on unsigned long words ---- */

#define BITS_PER_LONG 64
#define BIT(nr) (1UL << (nr))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))

#define test_bit(nr, addr)                                                 \
	({ SIM_AT(SIM_EV_READ, (addr), "test_bit");                        \
	   (__atomic_load_n(&(addr)[BIT_WORD(nr)], SIM_MO) &               \
	    BIT_MASK(nr)) != 0; })
#define set_bit(nr, addr)                                                  \
	((void)({ SIM_AT(SIM_EV_RMW, (addr), "set_bit");                   \
		  __atomic_fetch_or(&(addr)[BIT_WORD(nr)], BIT_MASK(nr),   \
				    SIM_MO); }))
#define clear_bit(nr, addr)                                                \
	((void)({ SIM_AT(SIM_EV_RMW, (addr), "clear_bit");                 \
		  __atomic_fetch_and(&(addr)[BIT_WORD(nr)],                \
				     ~BIT_MASK(nr), SIM_MO); }))
#define test_and_set_bit(nr, addr)                                         \
	({ SIM_AT(SIM_EV_RMW, (addr), "test_and_set_bit");                 \
	   (__atomic_fetch_or(&(addr)[BIT_WORD(nr)], BIT_MASK(nr),         \
			      SIM_MO) & BIT_MASK(nr)) != 0; })
#define test_and_clear_bit(nr, addr)                                       \
	({ SIM_AT(SIM_EV_RMW, (addr), "test_and_clear_bit");               \
	   (__atomic_fetch_and(&(addr)[BIT_WORD(nr)], ~BIT_MASK(nr),       \
			       SIM_MO) & BIT_MASK(nr)) != 0; })
#define test_and_set_bit_lock(nr, addr) test_and_set_bit((nr), (addr))
#define clear_bit_unlock(nr, addr) clear_bit((nr), (addr))

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
