#!/usr/bin/env bash
# Installs every Debian package Switchyard needs to build and run; with --tests,
# also what only the tests use (Chromium, the real browser of the browser tests).
# Idempotent: packages already present are skipped by apt.
set -euo pipefail
packages=(
  build-essential meson ninja-build pkg-config ccache
  libcaf-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  libgstrtspserver-1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  gstreamer1.0-rtsp gstreamer1.0-nice
  rapidjson-dev libcpp-httplib-dev doctest-dev libyaml-cpp-dev
  ffmpeg curl python3 procps
)
if [ "${1:-}" = "--tests" ]; then packages+=(chromium); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
