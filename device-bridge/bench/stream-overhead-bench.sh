#!/usr/bin/env bash
# Streaming overhead of IterationTiming (goal: at most 1%): the same plan on the host agent with
# per-layer profiling off, timings streamed per iteration vs deferred until the loop ends
# (Run.defer_timings), interleaved, REPS repetitions of ITERATIONS each way, digits_cnn and
# resnet_tiny. Prints the median ratio streamed / deferred of the mean latency and of the measured
# loop's wall time per iteration, both from the agent's CLOCK_MONOTONIC. Runs under nice; other load
# on the machine widens the quartiles, not the median's bias (both modes see it alternately).
# Usage: device-bridge/bench/stream-overhead-bench.sh [REPS] [ITERATIONS]   (default 40 2000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
reps="${1:-40}"
iterations="${2:-2000}"

nice "$root/device-bridge/agent/build.sh" host >/dev/null
cd "$root"
log="$root/device-bridge/target/bench-build.log"
mkdir -p "$root/device-bridge/target"
if ! nice mvn -B -o -Dstyle.color=never -pl device-bridge -am test-compile dependency:build-classpath \
    -Dedgewise.agent.skip=true -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >"$log" 2>&1; then
  cat "$log"; exit 1
fi
cp="$root/device-bridge/target/test-classes:$root/device-bridge/target/classes:$root/profiler-core/target/classes"
cp="$cp:$(cat "$root/device-bridge/target/bench-classpath.txt")"
cd "$root/device-bridge"
echo "edgewise-agent: $(pwd)/agent/build/host/edgewise-agent (host build), 1 thread, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
nice java -Dedgewise.samples="$root/samples" -cp "$cp" dev.edgewise.bridge.agent.StreamOverheadBench "$reps" "$iterations"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
