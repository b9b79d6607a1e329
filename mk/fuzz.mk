# mk/fuzz.mk - the JSON reader's libFuzzer pass and the scenario
# generator's fuzz runner (the .mms parser's pass is in mk/scenario.mk).
#
#   make fuzz-json [FUZZ_JSON_TIME=10]  build tests/fuzz/fuzz_json with
#       clang -fsanitize=fuzzer,address,undefined and fuzz explore/json.c
#       (what merge and the --jobs parent read) for FUZZ_JSON_TIME seconds
#       from tests/fuzz/json-corpus. SKIP, as fuzz-scenario, without
#       libFuzzer. `make check` runs it.
#   make fuzz-runner [FUZZ_RUNNER_TIME=600] [FUZZ_RUNNER_ARGS=...]  random
#       valid scenarios (tests/scngen.h) under ASan+UBSan for as long as
#       asked: build/asan/bin/tests/t_gen --time T (see tests/t_gen.c;
#       e.g. FUZZ_RUNNER_ARGS='--mix all --seed 7'). Findings, each with
#       its replay command, go to build/gen/.
#   make kdiff [KDIFF_TIME=600] [KDIFF_ARGS=...]  the differential fuzzer:
#       random sequential programs (tests/kgen.h) through `mmsim kernel`,
#       the model against this host's kernel (tests/t_kdiff.c,
#       docs/fidelity.md); programs that disagree stay in build/kdiff/.

FUZZ_DIR         ?= $(BUILD)/fuzz
FUZZ_JSON_TIME   ?= 10
FUZZ_RUNNER_TIME ?= 600
FUZZ_RUNNER_ARGS ?=
KDIFF_TIME       ?= 600
KDIFF_ARGS       ?=
FUZZ_JSON_ARGS := -max_total_time=$(FUZZ_JSON_TIME) -max_len=8192 \
		  -timeout=10 -print_final_stats=1 \
		  -artifact_prefix=$(FUZZ_DIR)/json-

$(FUZZ_DIR)/fuzz_json: tests/fuzz/fuzz_json.c explore/json.c explore/json.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_json.c explore/json.c -lm \
		-o $@

.PHONY: fuzz-json fuzz-runner kdiff
fuzz-json:
	@mkdir -p $(FUZZ_DIR)
	@if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' | \
	     $(FUZZ_CC) -x c -fsanitize=fuzzer - -o $(FUZZ_DIR)/probe >/dev/null 2>&1; then \
		echo "fuzz-json: SKIP: no libFuzzer ($(FUZZ_CC) -fsanitize=fuzzer cannot link; Debian 12: apt-get install clang libclang-rt-14-dev)"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory $(FUZZ_DIR)/fuzz_json || exit 1; \
	rm -rf $(FUZZ_DIR)/json-work; mkdir -p $(FUZZ_DIR)/json-work; \
	echo "fuzz-json: fuzzing the JSON reader for $(FUZZ_JSON_TIME)s (log: $(FUZZ_DIR)/fuzz-json.log)"; \
	if $(FUZZ_DIR)/fuzz_json $(FUZZ_JSON_ARGS) $(FUZZ_DIR)/json-work \
	     tests/fuzz/json-corpus >$(FUZZ_DIR)/fuzz-json.log 2>&1; then \
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)' $(FUZZ_DIR)/fuzz-json.log | \
		  sed 's/^/fuzz-json: /'; \
		echo "fuzz-json: ok, no crash, leak or timeout"; \
	else \
		tail -n 60 $(FUZZ_DIR)/fuzz-json.log; \
		echo "fuzz-json: FAILED: reproducer in $(FUZZ_DIR)/ (json-crash-*, json-leak-*)"; \
		exit 1; \
	fi

fuzz-runner: $(BUILD)/asan/bin/tests/t_gen mmsim
	$(BUILD)/asan/bin/tests/t_gen --time $(FUZZ_RUNNER_TIME) $(FUZZ_RUNNER_ARGS)

kdiff: $(BUILD)/asan/bin/tests/t_kdiff mmsim
	$(BUILD)/asan/bin/tests/t_kdiff --time $(KDIFF_TIME) $(KDIFF_ARGS)

CHECK_EXTRA += fuzz-json
