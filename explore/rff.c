// SPDX-License-Identifier: GPL-2.0
/*
 * explore/rff.c - reads-from fuzzing ("rff"): a feedback-guided sampler
 * that reverses races of executions it has already run.
 *
 * Why. The races POS, PCT and random sample worst need one task held
 * back across a long stretch of another's conflicting operations and
 * then let in at one precise point, two or three times over (seed 000:
 * the walker's reference must land between the migration's two count
 * checks, t2's store between the new PMD and the second check, t2's load
 * after the old PMD is back). A sampler draws each of those orders
 * afresh; the chance of all of them together is the product. A fuzzer
 * that keeps an execution which showed something new - here, a read that
 * saw another task's write from a (writer site, reader site) pair never
 * seen before - and builds on it needs each order once: the orders are
 * found one after another, not all at once. After reads-from fuzzing
 * (RFF, Wolff et al., "Greybox Fuzzing for Concurrency Testing", ASPLOS
 * 2024; citation not verified).
 *
 * What. Every execution records its choices (the task run at each one)
 * and the access each choice ran (the view's next access of the task
 * picked), and, through the trace hook, every read-from pair of sites
 * across tasks (a read or RMW of an object whose last write was another
 * task's). An execution that sets a pair never set before joins the
 * corpus. A new execution is, with probability 1/RFF_FRESH, a random
 * walk (the corpus' seeds); otherwise a mutation of a corpus entry P:
 *  1. pick an access e2 of P (task y, choice k) and an earlier access e1
 *     of another task x (choice j < k) that conflicts with it (same
 *     object, one writes: sim_access_conflict());
 *  2. run P's choices before j; then y alone, up to and including e2;
 *     then P's choices from j on, less the ones y already ran.
 * So y's e2 comes before x's e1, and the rest keeps P's order: one race
 * reversed, as DPOR would, but picked at random and kept only where it
 * shows something new. A choice that names a task which cannot run is
 * skipped; past the end of the plan, the current task runs while it can
 * (else a random one).
 *
 * Restarts. How long rff needs has a heavy tail: a corpus that took a
 * wrong turn early rarely recovers (seed 000's race, x86 form, seeds
 * 100-159: median 1,606 executions, 7 of 60 not found in 20,000). So
 * after RFF_WINDOW executions the corpus and the pair set are dropped
 * and rff starts again from an rng drawn from (seed, restart), each
 * window twice the one before (2,000, 4,000, 8,000, ...): the first
 * window is the run without restarts, and a race rff finds in a window
 * of w with probability q is missed after n windows with (1 - q)^n at
 * most (same seeds: median 1,606, 90 % within 5,883, none missed;
 * docs/explorer.md). Doubling keeps long runs possible: a corpus that
 * needs n executions to get there gets a whole window of at least n,
 * and that window starts before execution 2n.
 *
 * What it is not. Execution i depends on the executions before it (the
 * corpus), so rff runs in one process, as the DPOR ladder does: the
 * default gives it part of the ladder's half (explore.c), never a shard.
 * A found schedule is an ordinary schedule string: replays are exact.
 */
#ifndef SIM_STRESS
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/site_cache.h"

#define RFF_COV_BITS	(1u << 16)	/* read-from pairs, hashed */
#define RFF_CORPUS	4096		/* entries kept (oldest dropped) */
#define RFF_FRESH	16		/* 1 in 16: a random walk */
#define RFF_WINDOW	2000		/* executions before the first
					 * restart (then doubling) */
#define RFF_MAX_CHOICES	(1u << 15)	/* recorded per execution */
#define RFF_OBJ_SLOTS	16384		/* last writers, per execution: at
					 * most half of them used */

struct rff_entry {
	uint8_t *choice;		/* task per choice */
	struct sim_access *acc;		/* the access each choice ran */
	uint32_t n;
};

struct obj_slot {
	uintptr_t key;			/* object address, 0: empty */
	uint64_t writer;		/* its last writer's event key, 0: none */
	int8_t task;			/* and task */
};

/* How often a task ran a site in this execution (the event key's
 * occurrence: the second count check is not the first). */
struct occ_slot {
	const struct sim_site *site;
	int8_t task;
	uint8_t n;
};
#define RFF_OCC_SLOTS	4096
#define RFF_OCC_MAX	7

static struct {
	struct sim_rng rng;
	uint64_t cov[RFF_COV_BITS / 64];
	struct rff_entry corpus[RFF_CORPUS];
	unsigned nr, next;		/* entries, slot of the next one */
	/* the running execution */
	uint8_t *plan;			/* choices to follow, NULL: random
					 * (one of mut_choice[]) */
	uint32_t plan_n, plan_at;
	uint8_t choice[RFF_MAX_CHOICES];
	struct sim_access acc[RFF_MAX_CHOICES];
	uint32_t n;
	struct obj_slot obj[RFF_OBJ_SLOTS];
	uint32_t used[RFF_OBJ_SLOTS];	/* slots to clear */
	uint32_t nr_used;
	struct occ_slot occ[RFF_OCC_SLOTS];
	uint32_t occ_used[RFF_OCC_SLOTS];
	uint32_t nr_occ;
	uint32_t new_pairs[256];	/* coverage bits this execution set */
	uint32_t nr_new;
	bool overflow;			/* new_pairs full: still new */
	uint64_t added, mutated;
	uint64_t seed;			/* rff_reset()'s */
	uint64_t execs, window;		/* in this window, its length */
	uint64_t restarts;
	/* mutate()'s two working copies (choices and their accesses) */
	uint8_t mut_choice[2][RFF_MAX_CHOICES];
	struct sim_access mut_acc[2][RFF_MAX_CHOICES];
} R;

/* ---- read-from pairs ---- */

/*
 * The slot of object @key, made if new; NULL when half the table is in
 * use (a THP split touches thousands of objects): the objects after that
 * in the execution are not followed. Counting, not probing, decides
 * which (a full table made every later lookup scan all of it, and which
 * keys found room would depend on their addresses).
 */
static struct obj_slot *obj_find(uintptr_t key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ULL;

	for (uint32_t i = 0, s = (uint32_t)(h >> 50); i < RFF_OBJ_SLOTS;
	     i++, s = (s + 1) & (RFF_OBJ_SLOTS - 1)) {
		struct obj_slot *o = &R.obj[s];

		if (o->key == key)
			return o;
		if (!o->key) {
			if (R.nr_used >= RFF_OBJ_SLOTS / 2)
				return NULL;	/* not followed */
			o->key = key;
			o->writer = 0;
			o->task = -1;
			R.used[R.nr_used++] = s;
			return o;
		}
	}
	return NULL;
}

/*
 * A site's name as a number: a hash of its file, line and label, the
 * same in every process (a site's address is not: ASLR), so that which
 * read-from pairs count as new - and so the corpus and every execution
 * after it - is a function of (scenario, seed) alone. Cached by address.
 */
static struct site_cache site_ids;

static uint64_t str_hash(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;	/* FNV-1a */
	return h;
}

static uint64_t site_hash(const struct sim_site *site)
{
	return str_hash(str_hash(0xcbf29ce484222325ULL, site->file),
			site->label) ^
	       (uint64_t)site->line * 0x9e3779b97f4a7c15ULL;
}

static uint64_t site_id(const struct sim_site *site)
{
	return site_cache_get(&site_ids, site, site_hash);
}

/* The event's key: (site, task, occurrence of the site in the task). */
static uint64_t event_key(int task, const struct sim_site *site)
{
	uint64_t h = site_id(site) * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)(task + 1) * 0xff51afd7ed558ccdULL;
	uint8_t n = RFF_OCC_MAX;

	for (uint32_t i = 0, s = (uint32_t)(h >> 52); i < RFF_OCC_SLOTS;
	     i++, s = (s + 1) & (RFF_OCC_SLOTS - 1)) {
		struct occ_slot *o = &R.occ[s];

		if (o->site == site && o->task == task) {
			n = o->n < RFF_OCC_MAX ? o->n++ : RFF_OCC_MAX;
			break;
		}
		if (!o->site) {
			o->site = site;
			o->task = (int8_t)task;
			o->n = 1;
			R.occ_used[R.nr_occ++] = s;
			n = 0;
			break;
		}
	}
	return (h ^ (uint64_t)(n + 1) * 0xc4ceb9fe1a85ec53ULL) | 1;
}

static void cov_pair(uint64_t w, uint64_t r)
{
	uint64_t h = (w * 0x9e3779b97f4a7c15ULL) ^ (r * 0xc2b2ae3d27d4eb4fULL);
	uint32_t bit = (uint32_t)(h >> 48) & (RFF_COV_BITS - 1);

	if (R.cov[bit / 64] >> (bit % 64) & 1)
		return;
	for (uint32_t i = 0; i < R.nr_new; i++)
		if (R.new_pairs[i] == bit)
			return;
	if (R.nr_new < 256)
		R.new_pairs[R.nr_new++] = bit;
	else
		R.overflow = true;
}

static void access_obj(int task, int kind, uintptr_t addr, uint64_t ev)
{
	int mode = sim_access_mode(kind);
	struct obj_slot *o;

	if (!addr || !mode || mode == 3)
		return;		/* locks: their order shows in what they guard */
	o = obj_find(addr);
	if (!o)
		return;
	if (o->writer && o->task != task)
		cov_pair(o->writer, ev);	/* reads (or RMWs) another's */
	if (mode == 2) {
		o->writer = ev;
		o->task = (int8_t)task;
	}
}

static void rff_hook(const struct sim_event *e)
{
	uintptr_t a2;
	int k2;

	uint64_t ev;

	if (!e->site || e->task >= SIM_MAX_TASKS || !sim_access_mode(e->kind))
		return;
	ev = event_key(e->task, e->site);
	access_obj(e->task, e->kind, e->addr, ev);
	a2 = sim_trace_second(&k2);
	if (a2)
		access_obj(e->task, k2, a2, ev);
}

/* ---- the plan of the next execution ---- */

/*
 * Reverse the race (j, k) of the execution @in (@n choices with their
 * accesses) into @out, as the file comment says: choices before j, then
 * y = in[k]'s task alone up to and including k, then the rest less what
 * y already ran. The accesses move with their choices, so the result is
 * a prediction of the child's execution that a further reversal can use.
 */
static void reverse(const uint8_t *in, const struct sim_access *ia,
		    uint32_t n, uint32_t j, uint32_t k, uint8_t *out,
		    struct sim_access *oa)
{
	uint8_t y = in[k];
	uint32_t o = 0;

	memcpy(out, in, j);
	memcpy(oa, ia, j * sizeof(*ia));
	o = j;
	for (uint32_t i = j; i <= k; i++)
		if (in[i] == y) {
			out[o] = y;
			oa[o++] = ia[i];
		}
	for (uint32_t i = j; i < n; i++)
		if (in[i] != y || i > k) {
			out[o] = in[i];
			oa[o++] = ia[i];
		}
}

/* A race (j, k) of the execution @c/@a of @n choices; false if none. */
static bool pick_race(const uint8_t *c, const struct sim_access *a,
		      uint32_t n, uint32_t *jp, uint32_t *kp)
{
	for (int tries = 0; tries < 8 && n >= 2; tries++) {
		uint32_t k = 1 + (uint32_t)sim_rng_below(&R.rng, n - 1);
		uint32_t cand[64], nc = 0;

		if (!a[k].addr)
			continue;
		/* the earlier accesses of other tasks racing e2 (the
		 * nearest 64: farther ones are reached through them) */
		for (uint32_t i = k; i-- > 0 && nc < 64;)
			if (c[i] != c[k] && sim_access_conflict(&a[i], &a[k]))
				cand[nc++] = i;
		if (!nc)
			continue;
		*jp = cand[sim_rng_below(&R.rng, nc)];
		*kp = k;
		return true;
	}
	return false;
}

/*
 * The next execution's plan: a corpus entry (half the time one of the 8
 * newest: they are the deepest) with one race reversed, and then, each
 * with probability 1/2 (at most RFF_STACK in all), further races of the
 * predicted result reversed too - the orders a deep race needs are found
 * together where no single one of them shows anything new.
 */
#define RFF_STACK 4
static bool mutate(void)
{
	unsigned back = sim_rng_below(&R.rng, 2) ?
				(unsigned)sim_rng_below(&R.rng, R.nr) :
				(unsigned)sim_rng_below(&R.rng,
							R.nr < 8 ? R.nr : 8);
	const struct rff_entry *p =
		&R.corpus[(R.next + RFF_CORPUS - 1 - back) % RFF_CORPUS];
	uint8_t *c[2] = { R.mut_choice[0], R.mut_choice[1] };
	struct sim_access *a[2] = { R.mut_acc[0], R.mut_acc[1] };
	uint32_t j, k;
	int cur = 0, done = 0;

	if (!p->choice || p->n < 2 || p->n > RFF_MAX_CHOICES)
		return false;
	memcpy(c[0], p->choice, p->n);
	memcpy(a[0], p->acc, p->n * sizeof(**a));
	do {
		if (!pick_race(c[cur], a[cur], p->n, &j, &k))
			break;
		reverse(c[cur], a[cur], p->n, j, k, c[!cur], a[!cur]);
		cur = !cur;
		done++;
	} while (done < RFF_STACK && !sim_rng_below(&R.rng, 4));
	if (done) {
		R.plan = c[cur];
		R.plan_n = p->n;
		R.plan_at = 0;
		R.mutated++;
	}
	return done > 0;
}

static void rff_restart(void);

static void rff_begin(struct sim_strategy *s, uint64_t seed)
{
	(void)seed;	/* the corpus decides; the rng runs on */
	if (++R.execs > R.window)
		rff_restart();
	for (uint32_t i = 0; i < R.nr_used; i++)
		R.obj[R.used[i]].key = 0;
	R.nr_used = 0;
	for (uint32_t i = 0; i < R.nr_occ; i++)
		R.occ[R.occ_used[i]].site = NULL;
	R.nr_occ = 0;
	R.nr_new = 0;
	R.overflow = false;
	R.n = 0;
	R.plan = NULL;
	if (R.nr && sim_rng_below(&R.rng, RFF_FRESH))
		mutate();
	sim_set_trace_hook(rff_hook);
}

static int rff_pick(struct sim_strategy *s, const struct sim_sched_view *v)
{
	uint64_t run = v->runnable;
	int t = -1;

	while (R.plan && R.plan_at < R.plan_n) {
		int c = R.plan[R.plan_at++];

		if (run >> c & 1) {
			t = c;
			break;
		}
	}
	if (t < 0) {
		if (R.plan && v->current >= 0 && (run >> v->current & 1))
			t = v->current;	/* past the plan: run on */
		else {
			uint64_t nth = sim_rng_below(&R.rng,
						     sim_nr_bits(run));

			while (nth--)
				run &= run - 1;
			t = __builtin_ctzll(run);
		}
	}
	if (R.n < RFF_MAX_CHOICES && t < 256) {
		R.choice[R.n] = (uint8_t)t;
		sim_access_copy(&R.acc[R.n], &v->next[t]);
		R.n++;
	}
	return t;
}

static void rff_end(struct sim_strategy *s, const struct sim_result *r)
{
	struct rff_entry *e;

	sim_set_trace_hook(NULL);
	R.plan = NULL;
	if (!R.nr_new && !R.overflow)
		return;
	for (uint32_t i = 0; i < R.nr_new; i++)
		R.cov[R.new_pairs[i] / 64] |= 1ULL << (R.new_pairs[i] % 64);
	e = &R.corpus[R.next];
	free(e->choice);
	free(e->acc);
	e->choice = malloc(R.n ? R.n : 1);
	e->acc = malloc((R.n ? R.n : 1) * sizeof(*e->acc));
	if (!e->choice || !e->acc) {
		free(e->choice);
		free(e->acc);
		*e = (struct rff_entry){ 0 };
		return;
	}
	memcpy(e->choice, R.choice, R.n);
	memcpy(e->acc, R.acc, R.n * sizeof(*e->acc));
	e->n = R.n;
	R.next = (R.next + 1) % RFF_CORPUS;
	if (R.nr < RFF_CORPUS)
		R.nr++;
	R.added++;
}

/* Drop the corpus and the pairs; the rng of window @restart of @seed. */
static void rff_clear(uint64_t seed, uint64_t restart)
{
	for (unsigned i = 0; i < RFF_CORPUS; i++) {
		free(R.corpus[i].choice);
		free(R.corpus[i].acc);
		R.corpus[i] = (struct rff_entry){ 0 };
	}
	memset(R.cov, 0, sizeof(R.cov));
	R.nr = R.next = 0;
	sim_rng_seed(&R.rng, (seed + restart * 0x9e3779b97f4a7c15ULL) ^
				     0x7266662dULL);
}

/* The window is over: start again, in a window twice as long. */
static void rff_restart(void)
{
	R.restarts++;
	R.execs = 1;
	R.window *= 2;
	rff_clear(R.seed, R.restarts);
}

void rff_reset(uint64_t seed)
{
	R.seed = seed;
	R.execs = 0;
	R.window = RFF_WINDOW;
	R.restarts = 0;
	R.added = R.mutated = 0;
	rff_clear(seed, 0);
}

void rff_stats(uint64_t *corpus, uint64_t *mutated, uint64_t *restarts)
{
	*corpus = R.added;
	*mutated = R.mutated;
	*restarts = R.restarts;
}

struct sim_strategy *rff_strategy(void)
{
	static struct sim_strategy s = { "rff", rff_begin, rff_pick, rff_end,
					 NULL };

	return &s;
}
#endif /* !SIM_STRESS */
