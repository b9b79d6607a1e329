# mk/scenario.mk - scenario/ (the .mms front end): the libFuzzer pass that
# `make check` runs, and a check target that needs no other layer.
#
#   make fuzz-scenario [FUZZ_TIME=25]  build tests/fuzz/fuzz_scenario with
#       clang -fsanitize=fuzzer,address,undefined and fuzz the parser for
#       FUZZ_TIME seconds from tests/fuzz/corpus and scenarios/. Prints a
#       SKIP (and installs nothing) when clang or its libFuzzer runtime is
#       missing (Debian 12: libclang-rt-14-dev, which clang-14 only
#       Recommends, so --no-install-recommends drops it). Each run starts
#       from the checked-in seeds only (new inputs go to a fresh
#       build/fuzz/corpus, so every pass starts from the same seeds); crashes go
#       to build/fuzz/crash-* (kept out of git: copy a fixed one into
#       tests/fuzz/corpus as a regression input).
#   make scenario-check  fuzz-scenario, then t_scenario_parse under prove
#       (for a branch where `make check` cannot link the other layers yet).

FUZZ_CC    ?= clang
FUZZ_TIME  ?= 25
FUZZ_DIR   := $(BUILD)/fuzz
# the front end only (and the catalogue, for config regress=): the runner
# (scenario/runner.c) needs the whole model
FUZZ_SCN   := $(filter-out scenario/runner.c,$(sort $(wildcard scenario/*.c))) \
	      sim/regress.c
FUZZ_FLAGS := -std=gnu11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_ARGS  := -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=10 \
	      -dict=tests/fuzz/scenario.dict -print_final_stats=1 \
	      -artifact_prefix=$(FUZZ_DIR)/

$(FUZZ_DIR)/fuzz_scenario: tests/fuzz/fuzz_scenario.c $(FUZZ_SCN) \
			   $(wildcard scenario/*.h) sim/regress.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_scenario.c $(FUZZ_SCN) -o $@

.PHONY: fuzz-scenario scenario-check
fuzz-scenario:
	@mkdir -p $(FUZZ_DIR)
	@if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' | \
	     $(FUZZ_CC) -x c -fsanitize=fuzzer - -o $(FUZZ_DIR)/probe >/dev/null 2>&1; then \
		echo "fuzz-scenario: SKIP: no libFuzzer ($(FUZZ_CC) -fsanitize=fuzzer cannot link; Debian 12: apt-get install clang libclang-rt-14-dev; clang-14 only recommends the latter)"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory $(FUZZ_DIR)/fuzz_scenario || exit 1; \
	rm -rf $(FUZZ_DIR)/corpus; mkdir -p $(FUZZ_DIR)/corpus; \
	echo "fuzz-scenario: fuzzing the .mms parser for $(FUZZ_TIME)s (log: $(FUZZ_DIR)/fuzz.log)"; \
	if $(FUZZ_DIR)/fuzz_scenario $(FUZZ_ARGS) $(FUZZ_DIR)/corpus \
	     tests/fuzz/corpus scenarios >$(FUZZ_DIR)/fuzz.log 2>&1; then \
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)' $(FUZZ_DIR)/fuzz.log | \
		  sed 's/^/fuzz-scenario: /'; \
		echo "fuzz-scenario: ok, no crash, leak or timeout"; \
	else \
		tail -n 60 $(FUZZ_DIR)/fuzz.log; \
		echo "fuzz-scenario: FAILED: reproducer in $(FUZZ_DIR)/ (crash-*, leak-*, timeout-*)"; \
		exit 1; \
	fi

scenario-check: $(BUILD)/asan/bin/tests/t_scenario_parse fuzz-scenario
	$(PROVE) -f $(BUILD)/asan/bin/tests/t_scenario_parse

CHECK_EXTRA += fuzz-scenario
