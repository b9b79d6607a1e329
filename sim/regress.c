// SPDX-License-Identifier: GPL-2.0
/*
 * sim/regress.c - the catalogue of historical kernel bugs (see regress.h).
 *
 * The table starts empty of kernel bugs: the mm engineers add each one as
 * they implement the code it lives in. The single placeholder entry is
 * there to exercise the mechanism and is skipped by `mmsim bugs` unless
 * asked for (--placeholder).
 */
#include <string.h>

#include "sim/regress.h"

uint64_t sim_regress_mask;

const struct sim_regress sim_regress_table[SIM_REGRESS__NR] = {
	[SIM_REGRESS_PLACEHOLDER_DEMO] = {
		.name = "placeholder-demo",
		.commit = "-",
		.date = "-",
		.what = "PLACEHOLDER (not a kernel bug): a counter increment "
			"without its lock loses an update",
		.scenario = "builtin:regress-demo",
		.placeholder = true,
	},
	/* real bugs: { name, commit, date, what, scenarios/NAME.mms } */
};

void sim_regress_set(enum sim_regress_id id, bool on)
{
	if ((unsigned)id >= SIM_REGRESS__NR)
		return;
	if (on)
		sim_regress_mask |= 1ULL << id;
	else
		sim_regress_mask &= ~(1ULL << id);
}

void sim_regress_clear(void)
{
	sim_regress_mask = 0;
}

int sim_regress_by_name(const char *name)
{
	for (int i = 0; i < SIM_REGRESS__NR; i++)
		if (sim_regress_table[i].name &&
		    !strcmp(sim_regress_table[i].name, name))
			return i;
	return -1;
}

int sim_regress_nr_real(void)
{
	int n = 0;

	for (int i = 0; i < SIM_REGRESS__NR; i++)
		n += sim_regress_table[i].name &&
		     !sim_regress_table[i].placeholder;
	return n;
}
