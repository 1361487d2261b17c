#!/usr/bin/env bash
# End-to-end bench, 1 thread, host build: ResNet-18 and MobileNetV2 at 224 (ModelZoo, seeded random
# weights) compiled by the plan compiler and run by edgewise-run, next to ONNX Runtime Java with one
# intra-op thread on the same model and input. Prints median latency, GFLOPS, and each one's
# fraction of its vector peak: ours of the 128-bit FMA peak (NEON width, run through SIMDe here),
# ORT's of the 512-bit one (AVX-512).
#   peak = MHz (first "cpu MHz" of /proc/cpuinfo) x lanes (4 or 16) x 2 (FMA) x FMA units per core
# FMA units default to 2 (Xeon Gold/Platinum, Ice Lake server); set FMA_UNITS=1 on parts with one.
# GFLOPS are "effective": 2 x the direct-convolution MACs of the cost model / latency. Winograd
# does fewer real multiplications, so ours can exceed the 128-bit peak; in a VM /proc/cpuinfo shows
# the nominal clock, so turbo can push either fraction past 100%.
# -Xss16m: ONNX Runtime runs its kernels on the calling thread and overflows the default 1 MiB
# Java thread stack on these models (a segfault, no Java error).
# Usage: device-bridge/bench/e2e-bench.sh [iterations]   (default 15). Never run under qemu.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
iterations="${1:-15}"
fma="${FMA_UNITS:-2}"
mhz="$(awk -F: '/^cpu MHz/ {gsub(/ /, "", $2); print $2; exit}' /proc/cpuinfo)"

"$root/device-bridge/agent/build.sh" host >/dev/null
cd "$root"
log="$root/device-bridge/target/bench-build.log"
mkdir -p "$root/device-bridge/target"
if ! mvn -B -o -Dstyle.color=never -pl device-bridge -am test-compile dependency:build-classpath \
    -Dedgewise.agent.skip=true -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >"$log" 2>&1; then
  cat "$log"; exit 1
fi
cp="$root/device-bridge/target/test-classes:$root/device-bridge/target/classes:$root/profiler-core/target/classes"
cp="$cp:$(cat "$root/device-bridge/target/bench-classpath.txt")"
cd "$root/device-bridge"
echo "edgewise-run: $(pwd)/agent/build/host/edgewise-run (host build, -march=x86-64-v3, NEON via SIMDe), 1 thread"
java -Xss16m -cp "$cp" dev.edgewise.bridge.plan.E2EBench "$iterations" "$mhz" "$fma"
