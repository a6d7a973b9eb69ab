#!/usr/bin/env bash
# Builds CAF 0.17.6 (Debian's actor-framework source) with -fsanitize=thread and
# caches the install outside the checkout, so TSan sees CAF's own synchronisation.
# Prints the install prefix on the last line of stdout.
set -euo pipefail
prefix=${SWITCHYARD_TSAN_CAF:-/var/cache/switchyard/caf-0.17.6-tsan}
if [ -f "$prefix/.complete" ]; then echo "$prefix"; exit 0; fi
work=$(mktemp -d /tmp/caf-tsan.XXXXXX)
trap 'rm -rf "$work"' EXIT
src_list=/etc/apt/sources.list.d/switchyard-src.sources
if [ ! -f "$src_list" ]; then
  # deb822 form with the same Signed-By as Debian's own entry, or apt refuses both.
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$src_list"
  apt-get update -qq >&2
fi
command -v cmake >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake >&2
cd "$work"
apt-get source --download-only actor-framework >&2 || true   # the patch tarball may 404
tar xzf actor-framework_0.17.6.orig.tar.gz
src=$(find . -maxdepth 1 -type d -name 'actor-framework*' | head -1)
# gcc 12 needs <limits> here (numeric_limits is used without it).
sed -i '0,/#include/s//#include <limits>\n#include/' "$src/libcaf_io/caf/io/network/receive_buffer.hpp"
cmake -S "$src" -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -O1 -g" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
  -DCAF_NO_EXAMPLES=ON -DCAF_NO_UNIT_TESTS=ON -DCAF_NO_OPENSSL=ON -DCAF_NO_TOOLS=ON \
  -DCAF_NO_PYTHON=ON -DCAF_NO_BENCHMARKS=ON -DCAF_NO_OPENCL=ON -DCAF_NO_CURL_EXAMPLES=ON >&2
ninja -C build -j"${JOBS:-2}" >&2
ninja -C build install >&2
touch "$prefix/.complete"
echo "$prefix"
