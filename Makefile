# mmsim - an executable model of the Linux mm, in user space.
#
#   make            build ./mmsim and build/rel/libmmsim.a (-O2)
#   make check      ASan+UBSan build of every test, run under prove; then
#                   the stress-mode tests under TSan (make tsan)
#   make tsan       stress-mode (pthread) tests under ThreadSanitizer
#   make bench      -O2 benchmarks, one "bench: <name> <value> <unit>" line each
#   make hunt       the main job: the bug catalogue hunt (mmsim bugs)
#
# Variants (objects in build/<variant>/):
#   rel     controlled mode, -O2              -> libmmsim.a, mmsim, bench
#   asan    controlled mode, ASan+UBSan       -> tests/*.c
#   sasan   stress mode, ASan+UBSan           -> tests/stress_*.c
#   tsan    stress mode, TSan                 -> tests/stress_*.c
# UCONTEXT=1 selects the portable ucontext context switch instead of asm.

CC      ?= cc
BUILD   ?= build
PROVE   ?= prove
LIBDIRS := sim arch mm fs/proc check scenario explore
LIBSRC  := $(sort $(foreach d,$(LIBDIRS),$(wildcard $(d)/*.c) $(wildcard $(d)/*.S)))
TOOLSRC := $(sort $(wildcard tools/*.c))
TESTSRC := $(sort $(wildcard tests/t_*.c))
STRESSSRC := $(sort $(wildcard tests/stress_*.c))
BENCHSRC := $(sort $(wildcard bench/*.c))

WARN    := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	   -Wno-sign-compare -Werror=implicit-function-declaration
BASE    := -std=gnu11 -g -Iinclude -I. $(WARN) -MMD -MP -fno-strict-aliasing
ifeq ($(UCONTEXT),1)
BASE    += -DSIM_CTX_UCONTEXT
endif
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	   -fno-omit-frame-pointer

CFLAGS_rel   := $(BASE) -O2 -DNDEBUG_SIM
CFLAGS_asan  := $(BASE) -O1 $(SAN) -DSIM_ASAN
CFLAGS_sasan := $(BASE) -O1 $(SAN) -DSIM_STRESS -DSIM_ASAN -pthread
CFLAGS_tsan  := $(BASE) -O1 -fsanitize=thread -DSIM_STRESS -pthread
LDFLAGS_rel   := -pthread
LDFLAGS_asan  := $(SAN) -pthread
LDFLAGS_sasan := $(SAN) -pthread
LDFLAGS_tsan  := -fsanitize=thread -pthread
LDLIBS := -lm

VARIANTS := rel asan sasan tsan

.PHONY: all check check-run tsan bench hunt clean fmt
all: mmsim

# objects of variant $(1)
define variant
$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_$(1)) $$(CFLAGS_EXTRA) -c $$< -o $$@
$(BUILD)/$(1)/%.o: %.S
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_$(1)) -c $$< -o $$@
$(BUILD)/$(1)/libmmsim.a: $(patsubst %,$(BUILD)/$(1)/%.o,$(basename $(LIBSRC)))
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach v,$(VARIANTS),$(eval $(call variant,$(v))))

# programs: $(1) variant, $(2) sources
define progs
$(BUILD)/$(1)/bin/%: $(BUILD)/$(1)/%.o $(BUILD)/$(1)/libmmsim.a
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_$(1)) $$< $(BUILD)/$(1)/libmmsim.a $$(LDLIBS) -o $$@
endef
$(foreach v,$(VARIANTS),$(eval $(call progs,$(v))))

MMSIM_OBJS := $(patsubst %.c,$(BUILD)/rel/%.o,$(TOOLSRC))
mmsim: $(MMSIM_OBJS) $(BUILD)/rel/libmmsim.a
	$(CC) $(LDFLAGS_rel) $(MMSIM_OBJS) $(BUILD)/rel/libmmsim.a $(LDLIBS) -o $@

TESTBIN   := $(patsubst %.c,$(BUILD)/asan/bin/%,$(TESTSRC)) \
	     $(patsubst %.c,$(BUILD)/sasan/bin/%,$(STRESSSRC))
TSANBIN   := $(patsubst %.c,$(BUILD)/tsan/bin/%,$(STRESSSRC))
BENCHBIN  := $(patsubst %.c,$(BUILD)/rel/bin/%,$(BENCHSRC))

# Extra rules and check steps from the layers (fuzzing, CLI tests, ...):
# each mk/*.mk may append to CHECK_EXTRA (phony targets run by `make check`).
CHECK_EXTRA :=
-include $(sort $(wildcard mk/*.mk))

export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

# check and hunt first make sure the packages they need are there
# (mk/deps.sh: installed when run as root, else the apt-get line to run).
check:
	@sh mk/deps.sh check
	@$(MAKE) --no-print-directory check-run

check-run: mmsim $(TESTBIN) $(CHECK_EXTRA)
	$(PROVE) -f $(TESTBIN) $(PROVE_EXTRA)
	$(MAKE) --no-print-directory tsan

tsan: $(TSANBIN)
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" $(PROVE) -f $(TSANBIN)

bench: $(BENCHBIN) mmsim
	@for b in $(BENCHBIN); do \
		$$b >$(BUILD)/bench.out || exit 1; \
		awk -f mk/bench-check.awk $(BUILD)/bench.out || exit 1; \
	done

hunt:
	@sh mk/deps.sh hunt
	@$(MAKE) --no-print-directory mmsim
	./mmsim bugs

fmt:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) mmsim

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
