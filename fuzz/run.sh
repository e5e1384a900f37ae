#!/bin/bash
# fuzz/run.sh - run each libFuzzer target for SECONDS (default 30), one
# after the other, stopping at the first crash: prints the target and the
# input that crashed it, and how to replay it. Before fuzzing, every input
# kept in fuzz/regress/NAME/ is replayed once.
#
# usage: fuzz/run.sh [-b BUILDDIR] [-w WORKDIR] [SECONDS] [NAME...]
#   BUILDDIR  where ./configure --enable-fuzzing CC=clang built fuzz/fuzz-*
#             (default: $top_builddir, else the current directory when it
#             has them, else the source tree)
#   WORKDIR   new corpus inputs and crash artifacts (default BUILDDIR/fuzz/work);
#             the checked-in seeds in fuzz/corpus/ are only read
#   NAME      ruleset rule-text conntrack trace theme record legacy (default: all)
# Extra libFuzzer flags: FUZZ_FLAGS="-jobs=2 -workers=2" fuzz/run.sh 60
# A crash: copy the input to fuzz/regress/NAME/ once it is fixed, and
# tests/unit-regress and tests/fuzz-smoke.test will replay it from then on.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
all="ruleset rule-text conntrack trace theme record legacy"
build= work=
while getopts b:w: o; do
	case $o in
	b) build=$OPTARG ;;
	w) work=$OPTARG ;;
	*) sed -n '/^# usage/,/^# Extra/p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
secs=30
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
	secs=$1
	shift
fi
names=${*:-$all}
if [ -z "$build" ]; then
	if [ -n "${top_builddir:-}" ]; then build=$top_builddir
	elif [ -x fuzz/fuzz-ruleset ]; then build=.
	else build=$src
	fi
fi
build=$(cd "$build" && pwd)
: "${work:=$build/fuzz/work}"

for name in $names; do
	bin=$build/fuzz/fuzz-$name
	if [ ! -x "$bin" ]; then
		echo "run.sh: no $bin: ./configure --enable-fuzzing CC=clang && make" >&2
		exit 2
	fi
done

for name in $names; do
	bin=$build/fuzz/fuzz-$name
	corpus=$work/corpus/$name
	art=$work/artifacts/$name
	log=$work/fuzz-$name.log
	mkdir -p "$corpus" "$art"

	regress=("$src/fuzz/regress/$name"/*)
	if [ -e "${regress[0]}" ]; then
		if ! "$bin" "${regress[@]}" >"$log" 2>&1; then
			tail -n 40 "$log" >&2
			echo "run.sh: fuzz-$name: a regression input crashes again (see $log)" >&2
			exit 1
		fi
		echo "run.sh: fuzz-$name: ${#regress[@]} regression inputs ok"
	fi

	echo "run.sh: fuzz-$name for ${secs}s"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" ${FUZZ_FLAGS:-} "$corpus" "$src/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		grep -m1 -B2 -A30 '^==[0-9]*==ERROR\|^SUMMARY\|runtime error\|^fuzz: ' "$log" >&2 || tail -n 40 "$log" >&2
		echo "run.sh: fuzz-$name CRASHED (exit $rc) on input: ${input:-unknown, see $log}" >&2
		echo "run.sh: replay with: $bin ${input:-INPUT}" >&2
		exit 1
	fi
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^Done ' "$log" | tr '\n' ' '
	echo
done
echo "run.sh: no crash in: $names"
