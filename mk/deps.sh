#!/bin/sh
# mk/deps.sh TARGET - the packages `make TARGET` needs (hunt, check, bench,
# fuzz), checked before anything is built. Everything present: silent,
# exit 0, nothing installed. Something missing: as root with apt-get, it
# is installed (apt-get update once, then apt-get install); otherwise one
# line says exactly what to run, and the exit status is 1, before any
# build starts. NO_DEPS=1 skips the check (another distribution).
#
# What needs what (Debian 12 package names):
#   hunt, bench  a C compiler and make (already here if make runs)
#   check        perl (prove), clang and libclang-rt-NN-dev (libFuzzer,
#                tests/fuzz), librsvg2-bin (rsvg-convert, the --svg test),
#                parallel (the scale-out test, docs/scale-out.md)
set -u
target=${1:-check}
[ "${NO_DEPS:-0}" = 1 ] && exit 0

have() { command -v "$1" >/dev/null 2>&1; }

need=""
add() { need="$need $1"; }

have cc || have gcc || add gcc
case $target in
check|fuzz)
	have prove || add perl
	if ! have clang; then
		add clang
		add libclang-rt-14-dev
	elif ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
	     clang -x c -fsanitize=fuzzer - -o /dev/null >/dev/null 2>&1; then
		# clang only recommends its runtime: --no-install-recommends drops it
		v=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
		add "libclang-rt-${v:-14}-dev"
	fi
	if [ "$target" = check ]; then
		have rsvg-convert || add librsvg2-bin
		have parallel || add parallel
	fi
	;;
esac
[ -z "$need" ] && exit 0

line="apt-get install -y --no-install-recommends$need"
if [ "$(id -u)" = 0 ] && have apt-get; then
	echo "make $target: installing$need (apt-get, as root)"
	export DEBIAN_FRONTEND=noninteractive
	log=$(mktemp)
	if apt-get update -qq >"$log" 2>&1 &&
	   apt-get install -y -qq --no-install-recommends $need >"$log" 2>&1; then
		rm -f "$log"
		exit 0
	fi
	tail -n 20 "$log" >&2
	rm -f "$log"
	echo "make $target: the install failed; run: $line" >&2
	exit 1
fi
echo "make $target: missing packages; run as root: $line" >&2
exit 1
