#!/usr/bin/env bash
# Configure, build and optionally test the C runtime.
#   build.sh [host|host-asan|aarch64|all] [--test]
# Output goes to device-bridge/agent/build/<variant> (git-ignored). aarch64 tests run under
# qemu-aarch64 -cpu max and again under -cpu cortex-a53. Never read timings from qemu.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
variant="${1:-all}"
test=0
for a in "$@"; do [ "$a" = "--test" ] && test=1; done
jobs="$(nproc 2>/dev/null || echo 2)"

mkdir -p "$here/build"
# Two builds of the same tree at once (two Maven runs, an IDE) would race on the same files.
exec 9>"$here/build/.lock"
flock 9

configure_build() { # name, cmake args...
  local name="$1"; shift
  local dir="$here/build/$name"
  if ! cmake -S "$here" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"
    exit 1
  fi
  cmake --build "$dir" -j "$jobs"
  if [ "$test" = 1 ]; then
    (cd "$dir" && ctest --output-on-failure -j "$jobs")
  fi
}

host() { configure_build host -DEW_STATIC=ON; }
host_asan() { configure_build host-asan -DEW_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo; }
aarch64() { configure_build aarch64 -DCMAKE_TOOLCHAIN_FILE="$here/cmake/aarch64-linux-gnu.cmake"; }

case "$variant" in
  host) host ;;
  host-asan) host_asan ;;
  aarch64) aarch64 ;;
  all) host; host_asan; aarch64 ;;
  *) echo "usage: $0 [host|host-asan|aarch64|all] [--test]" >&2; exit 2 ;;
esac
