#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in their own tree and runs each one for a
# bounded time over its seed corpus. Fails when any target crashes, leaks, times out, runs out of
# memory or trips a sanitizer; the reproducer is left in BUILD_DIR/artifacts/<target>/.
#
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]      build, then fuzz each target
#   tests/fuzz/run_fuzzers.sh --build-only BUILD_DIR [TARGET...]
#   tests/fuzz/run_fuzzers.sh --no-build BUILD_DIR SECONDS [TARGET...]
#
# TARGETs are sql_parser, json_decoder, csv_decoder, config, arrow_ipc (default: all). Inputs the
# fuzzer finds interesting go to BUILD_DIR/corpus/<target>/, never into the source tree; the seeds
# in tests/fuzz/corpus/<target>/ are replayed first on every run, so a fixed crash moved there
# becomes a regression test. Environment: JOBS (build parallelism, default 2), FUZZ_ARGS (extra
# libFuzzer flags), FUZZ_CMAKE_ARGS (extra configure arguments, e.g.
# -DARK_FUZZ_SANITIZERS=... to look past a known report), CC_FUZZ/CXX_FUZZ (default clang).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
all_targets=(sql_parser json_decoder csv_decoder config arrow_ipc)

build=1
run=1
case "${1:-}" in
  --build-only) run=0; shift ;;
  --no-build) build=0; shift ;;
esac
if [ $# -lt 1 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
build_dir="$1"
shift
seconds=0
if [ "$run" = 1 ]; then
  if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
    echo "run_fuzzers: SECONDS must be a whole number" >&2
    exit 2
  fi
  seconds="$1"
  shift
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${all_targets[@]}")
fi
for t in "${targets[@]}"; do
  if [ ! -f "$here/${t}_fuzz.cc" ]; then
    echo "run_fuzzers: unknown target '$t' (known: ${all_targets[*]})" >&2
    exit 2
  fi
done

if [ "$build" = 1 ]; then
  if [ ! -f "$build_dir/build.ninja" ]; then
    # shellcheck disable=SC2086
    CC="${CC_FUZZ:-clang}" CXX="${CXX_FUZZ:-clang++}" \
      cmake -S "$here" -B "$build_dir" -G Ninja ${FUZZ_CMAKE_ARGS:-} >/dev/null
  fi
  ninja_targets=()
  for t in "${targets[@]}"; do ninja_targets+=("${t}_fuzz"); done
  ninja -C "$build_dir" -j "${JOBS:-2}" "${ninja_targets[@]}"
fi
[ "$run" = 1 ] || exit 0

# Stack traces for UBSan reports too (ASan prints them anyway).
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
failed=()
for t in "${targets[@]}"; do
  bin="$build_dir/${t}_fuzz"
  if [ ! -x "$bin" ]; then
    echo "run_fuzzers: $bin is not built" >&2
    failed+=("$t")
    continue
  fi
  work="$build_dir/corpus/$t"
  artifacts="$build_dir/artifacts/$t"
  mkdir -p "$work" "$artifacts" "$here/corpus/$t"
  log="$build_dir/$t.log"
  echo "run_fuzzers: $t for ${seconds}s"
  # -timeout: one input taking longer is a hang; -rss_limit_mb: memory blow-ups are failures.
  # shellcheck disable=SC2086
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} \
      "$work" "$here/corpus/$t" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | tr '\n' ' ' || true
    echo
  else
    echo "run_fuzzers: $t FAILED; last lines of $log:" >&2
    tail -n 60 "$log" >&2
    ls -l "$artifacts" >&2 || true
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "run_fuzzers: failed: ${failed[*]}" >&2
  exit 1
fi
echo "run_fuzzers: all passed (${targets[*]})"
