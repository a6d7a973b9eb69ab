#!/usr/bin/env bash
# Builds (release) and runs every benchmark; prints figures, never fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh build-release release
export SWITCHYARD_BIN=$PWD/build-release/daemon/switchyard YARDCTL_BIN=$PWD/build-release/api/yardctl/yardctl \
       FAKE_CAMERA_BIN=$PWD/build-release/tests/fake_camera
for b in control_plane idle_scale restream first_frame relay_latency; do
  ./build-release/bench/${b}_bench || echo "$b: did not complete"
done
