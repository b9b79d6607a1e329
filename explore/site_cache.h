/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explore/site_cache.h - a value computed once per race-window site and
 * looked up by the site's address on every event after (sites are
 * static: an entry is never stale). The strategies' per-event hooks use
 * it for what a site's strings decide (rff: the site's stable hash;
 * DPOR: whether it touches user memory).
 */
#ifndef MMSIM_EXPLORE_SITE_CACHE_H
#define MMSIM_EXPLORE_SITE_CACHE_H

#include <stdint.h>

#include "sim/sim.h"

#define SITE_CACHE_SLOTS	2048	/* per cache; a power of two */
#define SITE_CACHE_PROBES	16

struct site_cache {
	struct {
		const struct sim_site *site;	/* NULL: free */
		uint64_t val;
	} slot[SITE_CACHE_SLOTS];
};

/*
 * site_cache_get - @fn(@site), from @c when it was asked before. A site
 * that finds no free slot within SITE_CACHE_PROBES is computed each time
 * (the same value: only slower).
 */
static inline uint64_t site_cache_get(struct site_cache *c,
				      const struct sim_site *site,
				      uint64_t (*fn)(const struct sim_site *))
{
	uint32_t h = (uint32_t)(((uintptr_t)site * 0x9e3779b97f4a7c15ULL) >>
				53);

	for (uint32_t i = 0; i < SITE_CACHE_PROBES; i++) {
		uint32_t k = (h + i) & (SITE_CACHE_SLOTS - 1);

		if (c->slot[k].site == site)
			return c->slot[k].val;
		if (!c->slot[k].site) {
			c->slot[k].site = site;
			c->slot[k].val = fn(site);
			return c->slot[k].val;
		}
	}
	return fn(site);
}

#endif /* MMSIM_EXPLORE_SITE_CACHE_H */
