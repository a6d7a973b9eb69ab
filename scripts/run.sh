#!/usr/bin/env bash
# Installs what is missing, builds Switchyard (release) and runs it. With no
# arguments it runs the embedded default: a `demo` test-pattern stream, API on
# :1984, RTSP on :8554, and prints the URLs to open. Extra arguments go to the
# daemon (e.g. -c my.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh build-release release
exec ./build-release/daemon/switchyard "$@"
