#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, actor, API, e2e
# with real ffmpeg/ffprobe clients). Exit code: 0 when every test passed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --tests
./scripts/build.sh build debugoptimized
meson test -C build --print-errorlogs --num-processes 1 "$@"
