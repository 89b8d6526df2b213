#!/usr/bin/env bash
# run-campaign.sh BUILD_DIR SECONDS [TARGET...]: runs libFuzzer targets one after another, each for
# SECONDS, niced, and prints one summary line per target (executions, coverage, crashes).
#
# BUILD_DIR is a build configured with `CC=clang ../../configure --enable-fuzzing`. Each target starts
# from its committed seeds (tests/fuzz/<target>/corpus, read only) plus a scratch corpus that grows in
# $FUZZ_OUT (default BUILD_DIR/fuzz-out/<target>), with the target's dictionary. A crash, leak or
# timeout input is saved there as crash-*/leak-*/timeout-*: replay it with
# BUILD_DIR/tests/fuzz/replay_<target> FILE, fix the module, and copy the file into the corpus.
# Run two of these at once at most on a two-core machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run-campaign.sh BUILD_DIR SECONDS [TARGET...]}
secs=${2:?usage: run-campaign.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(credfile state vault jwt clusters)
out_root=${FUZZ_OUT:-$build/fuzz-out}
# The suite's leak suppressions (leaks inside system libraries, each with its reason) apply here too.
export LSAN_OPTIONS="suppressions=$here/../lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

rc=0
for t in "${targets[@]}"; do
	bin=$build/tests/fuzz/fuzz_$t
	[ -x "$bin" ] || { echo "$t: $bin not built (configure with CC=clang --enable-fuzzing)" >&2; rc=1; continue; }
	out=$out_root/$t
	mkdir -p "$out/corpus"
	log=$out/fuzz.log
	# -max_len 4096 covers every real input kind (a credential file is a few hundred bytes) while
	# leaving the mutator room; -timeout 10 s flags a parser that hangs; leaks are reported too.
	set +e
	nice -n 10 "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=4096 -timeout=10 \
		-rss_limit_mb=2048 -dict="$here/$t/$t.dict" -artifact_prefix="$out/" \
		"$out/corpus" "$here/$t/corpus" >"$log" 2>&1
	frc=$?
	set -e
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
	crashes=$(find "$out" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	printf '%s: %s s, exit %s, executions %s, cov %s, ft %s, corpus %s, crash/leak/timeout/oom files %s\n' \
		"$t" "$secs" "$frc" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes"
	[ "$frc" -eq 0 ] && [ "$crashes" -eq 0 ] || rc=1
done
exit "$rc"
