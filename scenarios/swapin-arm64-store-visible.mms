# memory=arm64: a swap-in finds a folio another CPU is adding to the swap
# cache before that CPU's set_bit(PG_swapcache) is visible to it, and
# swap_cache_get_folio's recheck retries until it is. Hardware makes the
# store visible in time; a controlled scheduler that keeps choosing the
# CPUs over the drain (pct:2 did within 3,786 executions) reported the
# retry as a livelock until session 9 bounded how long a store may pend
# (SIM_SB_MAX_AGE, sim/storebuf.h). Found by h24's false-alarm checks.
config memory=arm64 arch=arm64 mem=16M swap=1M
thread main:
	memfd F 8K
	mmap A 8K file=F shared
	mmap P 8K file=F private
	store A+0x8 0x1
	spawn t k
	store P+0x8 0x2
	store A+0x1008 0x3
	wait d
thread t:
	store P+0x1008 0x4
	store A+0x8 0x5
	signal d
kthread k:
	pageout P 8K
	pageout A 8K
	truncate F 12K
expect ok
