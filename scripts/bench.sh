#!/usr/bin/env bash
# Builds (release) and runs every benchmark; prints figures, never fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh build-release release
benches=(control_plane idle_scale restream watched_stream_profile first_frame relay_latency http_outputs http_latency control_plane_scale webrtc)
targets=()
for b in "${benches[@]}"; do targets+=("bench/${b}_bench"); done
ninja -C build-release -j"${JOBS:-2}" "${targets[@]}" >/dev/null  # not built by default: CI does not need them
export SWITCHYARD_BIN=$PWD/build-release/daemon/switchyard YARDCTL_BIN=$PWD/build-release/api/yardctl/yardctl \
       FAKE_CAMERA_BIN=$PWD/build-release/tests/fake_camera
for b in "${benches[@]}"; do
  ./build-release/bench/${b}_bench || echo "$b: did not complete"
done
