#!/usr/bin/env bash
# Sanitizer builds and fuzzing (docs/hardening.md). Each step configures and builds its own preset
# in build/<preset> and exits non-zero on any finding.
#   tools/ci-hardening.sh asan              the whole C++ test suite under Address + UndefinedBehavior sanitizers
#                                           (clang; the same build holds the libFuzzer targets)
#   tools/ci-hardening.sh tsan              the concurrency test under ThreadSanitizer (library + that test only)
#   tools/ci-hardening.sh fuzz [SECONDS]    every fuzz target: replay seeds and regressions, then fuzz SECONDS each
#                                           (default 20); reuses the asan build, so after `asan` it compiles nothing
# BUILD_ROOT (default build) moves the build folders, e.g. for a second checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_ROOT=${BUILD_ROOT:-build}
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
TARGETS=(tree_yaml tree_csv data_csv config_yaml)

stamp() { echo "ci-hardening: $1 took $(( $(date +%s) - $2 )) s"; }

case "${1:-}" in
  asan)
    t0=$(date +%s)
    cmake --preset asan -B "$BUILD_ROOT/asan" >/dev/null
    cmake --build "$BUILD_ROOT/asan"
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
      ctest --test-dir "$BUILD_ROOT/asan" --output-on-failure -j2 --timeout 600
    stamp "asan build and tests" "$t0"
    ;;
  tsan)
    t0=$(date +%s)
    cmake --preset tsan -B "$BUILD_ROOT/tsan" >/dev/null
    cmake --build "$BUILD_ROOT/tsan" --target doelenboom_concurrency_tests
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" \
      ctest --test-dir "$BUILD_ROOT/tsan" --output-on-failure -R '^Concurrency\.'
    stamp "tsan build and test" "$t0"
    ;;
  fuzz)
    seconds=${2:-20}
    t0=$(date +%s)
    cmake --preset asan -B "$BUILD_ROOT/asan" >/dev/null
    cmake --build "$BUILD_ROOT/asan" --target "${TARGETS[@]/#/fuzz_}"
    stamp "fuzz build" "$t0"
    for t in "${TARGETS[@]}"; do
      bin="$BUILD_ROOT/asan/fuzz/fuzz_$t"
      work="$BUILD_ROOT/asan/fuzz-corpus/$t"      # new inputs found stay here, not in the repository
      artifacts="$BUILD_ROOT/asan/fuzz-artifacts/$t"
      mkdir -p "$work" "$artifacts"
      inputs=(fuzz/corpus/"$t")
      [ -d "fuzz/regressions/$t" ] && inputs+=(fuzz/regressions/"$t")
      echo "ci-hardening: replaying ${inputs[*]} through fuzz_$t"
      "$bin" -runs=0 "${inputs[@]}" 2>&1 | tail -n 2
      echo "ci-hardening: fuzzing $t for $seconds s"
      t1=$(date +%s)
      # -close_fd_mask=1: the readers print nothing, but keep stdout quiet anyway.
      if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
          -artifact_prefix="$artifacts/" "$work" fuzz/corpus/"$t" >"$artifacts/log.txt" 2>&1; then
        tail -n 60 "$artifacts/log.txt"
        echo "ci-hardening: fuzz_$t found a crash; the input is in $artifacts/ (keep it in fuzz/regressions/$t/)" >&2
        exit 1
      fi
      grep -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb' "$artifacts/log.txt" || true
      stamp "fuzz_$t" "$t1"
    done
    echo "fuzz: ${#TARGETS[@]} passed, 0 failed"
    ;;
  *)
    echo "usage: $0 asan | tsan | fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
