#!/usr/bin/env bash
# Benchmark of the optimization kernels on VGG-16's 138 M weights (random, seeded, generated in
# memory): unstructured magnitude pruning to 90% sparsity and per-channel int8 quantization,
# each timed on float arrays already decoded (median of RUNS), then each whole pass for context.
# Target (issue 6): each kernel at most 1.5 s on 2 cores.
#   usage: profiler-core/bench/optimize-bench.sh [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUNS="${1:-5}"
"$ROOT/edgewise" --version >/dev/null            # builds if needed
printf 'machine: %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
exec java -Xmx6g -XX:+UseParallelGC -cp "$ROOT/app-ui/target/edgewise.jar" dev.edgewise.core.optimize.OptimizeBench "$RUNS"
