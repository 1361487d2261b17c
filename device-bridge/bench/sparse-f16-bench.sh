#!/usr/bin/env bash
# Sparse CSR vs dense kernels on the same fully-connected and 1x1 layers (real shapes:
# agent/bench/models/sparse_layers.txt) over a sweep of zero fractions (70% and 90% included),
# with the break-even per layer, and fp16 vs fp32 weight storage (plan size, load time). Host
# build through SIMDe, 1 thread, niced; all ratios come from one run of one binary. The load
# average is printed with the figures: on a shared machine treat them as rough. ARM figures need a
# real device (never time under qemu); the fp16-arithmetic kernels do not exist on x86 at all.
# Usage: device-bridge/bench/sparse-f16-bench.sh [layers-file]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../agent/build.sh" host >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  ($(nproc) CPUs)"
nice -n 10 "$here/../agent/build/host/bench/ew_bench_sparse" "$@"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
