#!/usr/bin/env bash
# int8 vs fp32 on the same layers, one run, 1 thread, host build (agent/bench/bench_int8.c): GEMM
# shapes and ResNet-18 conv layers, fp32 SGEMM / im2col / 1x1 next to the int8 widening-multiply
# kernels (and the SDOT kernel as SIMDe emulates it). Built like agent/README.md's bench
# (-march=native, build/bench). On x86 the NEON code goes through SIMDe, so these are host
# figures; int8 vs fp32 on ARM needs a real device (under qemu nothing is timed).
# Usage: device-bridge/bench/int8-bench.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
agent="$here/../agent"
build="$agent/build/bench"
mkdir -p "$build"
cmake -S "$agent" -B "$build" -DCMAKE_BUILD_TYPE=Release -DEW_HOST_MARCH=native >"$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" --target ew_bench_int8 >"$build.build.log" 2>&1 \
  || { cat "$build.build.log"; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); CPU: $(awk -F: '/^model name/ {print $2; exit}' /proc/cpuinfo)"
nice -n 5 "$build/bench/ew_bench_int8"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
