#!/usr/bin/env bash
# sanitize.sh asan|tsan [meson test args]: builds and runs tests under sanitizers.
#   asan: ASan+UBSan, every test.
#   tsan: TSan, the concurrency suite, against a CAF built with -fsanitize=thread
#         (scripts/build-tsan-caf.sh, cached outside the checkout).
# Any sanitizer report fails the test that produced it (daemons under test exit
# non-zero and tests check their output).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?asan or tsan}; shift
./scripts/install-deps.sh --tests
supp="$PWD/tests/support/sanitizers"
case "$kind" in
  asan)
    ./scripts/build.sh build-asan debug -Db_sanitize=address,undefined -Db_lundef=false
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=66:suppressions=$supp/asan.supp"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=66:suppressions=$supp/ubsan.supp"
    meson test -C build-asan --print-errorlogs --num-processes 1 --timeout-multiplier 3 "$@"
    ;;
  tsan)
    prefix=$(./scripts/build-tsan-caf.sh | tail -1)
    ./scripts/build.sh build-tsan debug -Db_sanitize=thread -Db_lundef=false -Dtsan_caf_prefix="$prefix"
    export TSAN_OPTIONS="halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
    meson test -C build-tsan --print-errorlogs --num-processes 1 --timeout-multiplier 4 --suite concurrency "$@"
    ;;
  *) echo "usage: sanitize.sh asan|tsan" >&2; exit 2 ;;
esac
