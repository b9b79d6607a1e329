// SPDX-License-Identifier: GPL-2.0
/*
 * sim/common.c - what both modes share: the PRNG, names, the per-execution
 * arena, and the scheduling strategies (used by the controlled mode only,
 * compiled in both so tools link either way).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef SIM_STRESS
#include <pthread.h>
#endif
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#include "sim/sim.h"

/* ---- PRNG: xoshiro256** seeded through splitmix64 ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Lemire's multiply-shift; the bias for n << 2^64 is negligible here. */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)sim_rng_next(r) * n) >> 64);
}

uint64_t sim_exec_seed(uint64_t seed, uint64_t i)
{
	uint64_t x = seed ^ (i * 0xd1b54a32d192ed03ULL);

	return splitmix64(&x);
}

/* ---- names ---- */

const char *sim_outcome_name(enum sim_outcome o)
{
	static const char *const names[] = {
		[SIM_OK] = "ok",		[SIM_VIOLATION] = "violation",
		[SIM_DEADLOCK] = "deadlock",	[SIM_LIVELOCK] = "livelock",
		[SIM_DIVERGED] = "diverged",	[SIM_LIMIT] = "limit",
	};

	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

const char *sim_ev_kind_name(int kind)
{
	static const char *const names[SIM_EV__NR] = {
		"read", "write", "rmw",	 "lock", "unlock", "block", "wake",
		"tlb",	"irq",	 "rcu", "user", "start",  "exit",  "mark",
	};

	return (unsigned)kind < SIM_EV__NR ? names[kind] : "?";
}

/* ---- per-execution arena ---- */

/*
 * Chunks of ARENA_CHUNK bytes, kept across executions; a reset rewinds the
 * bump pointer to the first chunk, so its cost is what was allocated.
 * Every block has a 16-byte header holding its size (for ASan poisoning
 * on sim_free: a use after sim_free is reported in the sanitized build).
 */
#define ARENA_CHUNK (1UL << 20)
#define ARENA_MAX_CHUNKS 256	/* 256 MiB of model objects per execution */

static struct {
	char *chunk[ARENA_MAX_CHUNKS];
	int nr_chunks;		/* allocated chunks */
	int cur;		/* chunk in use */
	size_t off;		/* bump offset in chunk[cur] */
#ifdef SIM_STRESS
	pthread_mutex_t lock;
#endif
} arena
#ifdef SIM_STRESS
	= { .lock = PTHREAD_MUTEX_INITIALIZER }
#endif
;

/* Called by sim_exec_begin in both modes. */
void sim_arena_reset(void)
{
	for (int i = 0; i <= arena.cur && i < arena.nr_chunks; i++)
		ARENA_POISON(arena.chunk[i], ARENA_CHUNK);
	arena.cur = 0;
	arena.off = 0;
}

void *sim_zalloc(size_t size)
{
	size_t need = ((size + 15) & ~(size_t)15) + 16;
	char *p;

	if (need > ARENA_CHUNK) {
		sim_limit("sim_zalloc: object of %zu bytes exceeds the %lu-byte "
			  "arena chunk",
			  size, ARENA_CHUNK);
		return NULL;
	}
#ifdef SIM_STRESS
	pthread_mutex_lock(&arena.lock);
#endif
	if (arena.nr_chunks == 0 || arena.off + need > ARENA_CHUNK) {
		if (arena.nr_chunks && arena.off + need > ARENA_CHUNK) {
			arena.cur++;
			arena.off = 0;
		}
		if (arena.cur >= ARENA_MAX_CHUNKS) {
#ifdef SIM_STRESS
			pthread_mutex_unlock(&arena.lock);
#endif
			sim_limit("sim_zalloc: the per-execution arena limit "
				  "(%d MiB) is reached",
				  ARENA_MAX_CHUNKS);
			return NULL;
		}
		if (arena.cur >= arena.nr_chunks) {
			arena.chunk[arena.nr_chunks] = malloc(ARENA_CHUNK);
			if (!arena.chunk[arena.nr_chunks]) {
				fprintf(stderr, "mmsim: out of host memory\n");
				exit(2);
			}
			ARENA_POISON(arena.chunk[arena.nr_chunks], ARENA_CHUNK);
			arena.nr_chunks++;
		}
	}
	p = arena.chunk[arena.cur] + arena.off;
	arena.off += need;
#ifdef SIM_STRESS
	pthread_mutex_unlock(&arena.lock);
#endif
	ARENA_UNPOISON(p, need);
	memset(p, 0, need);
	*(size_t *)p = need;
	return p + 16;
}

void sim_free(void *p)
{
	char *h;

	if (!p)
		return;
	h = (char *)p - 16;
	ARENA_POISON(p, *(size_t *)h - 16);
}

/* ---- strategies ---- */

/*
 * The @n-th (from 0) set bit of @mask. @n is random (random_pick): a loop
 * over it would mispredict its exit at most picks, so the first four are
 * chosen without a branch on @n.
 */
static inline int nth_bit(uint64_t mask, unsigned n)
{
	uint64_t m1, m2, m3, even, odd;

	if (__builtin_expect(n > 3, 0)) {
		while (n--)
			mask &= mask - 1;
		return __builtin_ctzll(mask);
	}
	m1 = mask & (mask - 1);
	m2 = m1 & (m1 - 1);
	m3 = m2 & (m2 - 1);
	even = n & 2 ? m2 : mask;
	odd = n & 2 ? m3 : m1;
	return __builtin_ctzll(n & 1 ? odd : even);
}

/* Round-robin: the next runnable task after the current one, cyclically. */
static int rr_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	int cur = v->current < 0 ? -1 : v->current;
	uint64_t after = cur >= 63 ? 0 : v->runnable & (~0ULL << (cur + 1));

	return __builtin_ctzll(after ? after : v->runnable);
}

static void rr_begin(struct sim_strategy *s, uint64_t seed)
{
}

struct sim_strategy *sim_strategy_rr(void)
{
	static struct sim_strategy rr = { "rr", rr_begin, rr_pick, NULL, NULL };

	return &rr;
}

/* Uniform random: every runnable task equally likely at every choice. */
static struct sim_rng random_rng;

static void random_begin(struct sim_strategy *s, uint64_t seed)
{
	sim_rng_seed(&random_rng, seed);
}

static int random_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	unsigned n = sim_nr_bits(v->runnable);

	return nth_bit(v->runnable, sim_rng_below(&random_rng, n));
}

struct sim_strategy *sim_strategy_random(void)
{
	static struct sim_strategy r = { "random", random_begin, random_pick,
					 NULL, NULL };

	return &r;
}

/*
 * PCT (Burckhardt et al., ASPLOS 2010): tasks get random distinct
 * priorities above d; d-1 change points are drawn uniformly over the
 * expected number of choices k; at change point i the running task drops
 * to priority i. The highest-priority runnable task always runs. Finds a
 * bug of depth d with probability >= 1/(n * k^(d-1)).
 * k is learned: the largest number of choices seen in earlier executions.
 */
#define PCT_MAX_DEPTH 16
static struct {
	unsigned depth;
	uint64_t k;
	uint64_t change[PCT_MAX_DEPTH];
	uint64_t prio[SIM_MAX_TASKS];
	uint64_t seen;		/* tasks with a priority */
	uint64_t nchoice;
	struct sim_rng rng;
} pct;

static void pct_begin(struct sim_strategy *s, uint64_t seed)
{
	sim_rng_seed(&pct.rng, seed);
	pct.seen = 0;
	pct.nchoice = 0;
	for (unsigned i = 1; i < pct.depth; i++)
		pct.change[i] = 1 + sim_rng_below(&pct.rng, pct.k);
}

static int pct_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	uint64_t run = v->runnable, best_p = 0;
	int best = -1;

	pct.nchoice++;
	for (unsigned i = 1; i < pct.depth; i++)
		if (pct.change[i] == pct.nchoice && v->current >= 0 &&
		    (pct.seen >> v->current & 1))
			pct.prio[v->current] = i;
	while (run) {
		int t = __builtin_ctzll(run);

		run &= run - 1;
		if (!(pct.seen >> t & 1)) {
			/* distinct with overwhelming probability; ties: id */
			pct.prio[t] = PCT_MAX_DEPTH +
				      (sim_rng_next(&pct.rng) >> 8);
			pct.seen |= 1ULL << t;
		}
		if (best < 0 || pct.prio[t] > best_p) {
			best = t;
			best_p = pct.prio[t];
		}
	}
	return best;
}

static void pct_end(struct sim_strategy *s, const struct sim_result *r)
{
	if (r->choices > pct.k)
		pct.k = r->choices;
}

struct sim_strategy *sim_strategy_pct(unsigned depth)
{
	static struct sim_strategy p = { "pct", pct_begin, pct_pick, pct_end,
					 NULL };

	if (depth < 1)
		depth = 1;
	if (depth > PCT_MAX_DEPTH)
		depth = PCT_MAX_DEPTH;
	pct.depth = depth;
	pct.k = 64;
	return &p;
}

struct sim_strategy *sim_strategy_by_name(const char *name)
{
	if (!strcmp(name, "rr"))
		return sim_strategy_rr();
	if (!strcmp(name, "random"))
		return sim_strategy_random();
	if (!strncmp(name, "pct", 3)) {
		unsigned d = 3;
		char *end;

		if (name[3] == ':') {
			d = strtoul(name + 4, &end, 10);
			if (*end || d < 1 || d > PCT_MAX_DEPTH)
				return NULL;
		} else if (name[3]) {
			return NULL;
		}
		return sim_strategy_pct(d);
	}
	return NULL;
}

/* ---- kept arrays (sim_zkept) ---- */

#define KEPT_BLOCK 512
#define KEPT_CHUNK 4096

/* Zeros to compare with: libc's memcmp reads 32 or 64 bytes a step. */
static const unsigned char kept_zeros[KEPT_CHUNK];

/*
 * Clear what is not zero in [@p, @p + @n) (@n a multiple of KEPT_BLOCK):
 * a 4 KiB chunk that differs from zeros is looked at a block at a time,
 * and only the blocks that differ are cleared.
 */
static void kept_clear(unsigned char *p, size_t n)
{
	for (size_t off = 0; off < n; off += KEPT_CHUNK) {
		size_t len = n - off < KEPT_CHUNK ? n - off : KEPT_CHUNK;

		if (!memcmp(p + off, kept_zeros, len))
			continue;
		for (size_t b = off; b < off + len; b += KEPT_BLOCK)
			if (memcmp(p + b, kept_zeros, KEPT_BLOCK))
				memset(p + b, 0, KEPT_BLOCK);
	}
}

void *sim_zkept(enum sim_kept_key key, size_t size)
{
#ifdef SIM_STRESS
	return sim_zalloc(size);
#else
	static unsigned char *buf[SIM_NR_KEPT];
	static size_t cap[SIM_NR_KEPT];
	size_t need = (size + KEPT_BLOCK - 1) & ~(size_t)(KEPT_BLOCK - 1);

	if (key >= SIM_NR_KEPT)
		return NULL;
	if (cap[key] < need) {
		free(buf[key]);
		buf[key] = aligned_alloc(KEPT_BLOCK, need);
		if (!buf[key]) {
			fprintf(stderr, "mmsim: out of host memory\n");
			exit(2);
		}
		memset(buf[key], 0, need);
		cap[key] = need;
		return buf[key];
	}
	kept_clear(buf[key], need);
	return buf[key];
#endif
}
