#!/usr/bin/env bash
# build.sh DIR BUILDTYPE [meson options...]: configure once, then build with ninja -j2
# (the CI machine has 2 cores). meson picks up ccache by itself when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1; type=$2; shift 2
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" --buildtype="$type" "$@" >/dev/null
fi
log=$(mktemp)
if ! ninja -C "$dir" -j"${JOBS:-2}" >"$log" 2>&1; then
  cat "$log"
  exit 1
fi
rm -f "$log"
