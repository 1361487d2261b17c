#!/usr/bin/env bash
# Fuzzes the agent's message decoder (a whole session from the input bytes) and the plan decoder
# (ew_model_load, then one run of small accepted plans) with libFuzzer, clang + ASan + UBSan.
#   device-bridge/agent/fuzz/run-fuzz.sh SECONDS [messages|plans|both]   (default both: SECONDS each)
# Seeds: every sample model compiled by the PlanCompiler (and a session stream for the small ones,
# via dev.edgewise.bridge.agent.FuzzSeeds), plus the C tests' scripted sessions and test plans.
# The working corpus is build/fuzz/work/<target>; afterwards it is merged (minimized) into the
# committed fuzz/corpus/<target> (inputs up to 16 KiB), which ctest replays in the normal builds (fuzz_replay_*).
# Crashes land in build/fuzz/crashes as crash-*/leak-*/timeout-* files: add them to the corpus once fixed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
agent="$(cd "$here/.." && pwd)"
root="$(cd "$agent/../.." && pwd)"
seconds="${1:?usage: run-fuzz.sh SECONDS [messages|plans|both]}"
which="${2:-both}"
command -v clang >/dev/null || { echo "clang not found: apt-get install clang (Debian's clang ships libFuzzer)"; exit 1; }
out="$agent/build/fuzz"
mkdir -p "$out"

# 1. the fuzz build: its own CMake tree, clang, -DEW_FUZZ=ON (not part of build.sh or ctest)
CC=clang cmake -S "$agent" -B "$out/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEW_FUZZ=ON >"$out/configure.log" 2>&1 \
  || { cat "$out/configure.log"; exit 1; }
nice cmake --build "$out/build" -j 2 --target fuzz_messages fuzz_plan >"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }

# 2. seeds: the C tests' sessions and plans (host build), the compiled samples (Java)
"$agent/build.sh" host >/dev/null
seeds="$out/seeds"
rm -rf "$seeds"; mkdir -p "$seeds/messages" "$seeds/plans"
for c in ok badchunk runfirst cancel autotune deferred version truncated oversize; do
  "$agent/build/host/tests/agent_script" write "$c" "$seeds/messages/c_$c" >/dev/null
done
"$agent/build/host/tests/make_cli_case" write "$seeds/plans/tiny" >/dev/null
mv "$seeds/plans/tiny.ewplan" "$seeds/plans/c_tiny_net.ewplan"; rm -f "$seeds/plans/tiny".*
( cd "$root" && nice mvn -B -o -q -Dstyle.color=never -pl device-bridge -am test-compile dependency:build-classpath \
    -Dedgewise.agent.skip=true -Dmdep.outputFile=target/fuzz-classpath.txt -Dmdep.includeScope=test >"$out/mvn.log" 2>&1 ) \
  || { tail -40 "$out/mvn.log"; exit 1; }
cp="$root/device-bridge/target/test-classes:$root/device-bridge/target/classes:$root/profiler-core/target/classes"
java -cp "$cp:$(cat "$root/device-bridge/target/fuzz-classpath.txt")" dev.edgewise.bridge.agent.FuzzSeeds "$root/samples" "$seeds"

# 3. fuzz, then merge what is new into the committed corpus
mkdir -p "$out/crashes"
fuzz() { # target corpus-name
  local work="$out/work/$2" kept="$here/corpus/$2"
  mkdir -p "$work" "$kept"
  echo "== $1: $seconds s (seeds $(ls "$seeds/$2" | wc -l), committed corpus $(ls "$kept" | wc -l))"
  ( cd "$out/crashes" && ASAN_OPTIONS=allocator_may_return_null=1 nice "$out/build/fuzz/$1" -max_total_time="$seconds" \
      -timeout=20 -rss_limit_mb=3072 -max_len=262144 -print_final_stats=1 -jobs=1 \
      "$work" "$kept" "$seeds/$2" 2>&1 | tee "$out/$1.log" | grep -E "^#[0-9]+ +(INITED|DONE|pulse)|stat::|ERROR|SUMMARY|Test unit" ) || true
  local before; before="$(ls "$kept" | wc -l)"
  ( cd "$out/crashes" && nice "$out/build/fuzz/$1" -merge=1 -max_len=262144 "$kept" "$work" "$seeds/$2" >"$out/$1.merge.log" 2>&1 ) || true
  # the committed corpus stays small: inputs over 16 KiB (the compiled sample plans and sessions)
  # are regenerated as seeds on every run and stay in the working corpus
  find "$kept" -type f -size +16k -delete
  echo "   committed corpus $before -> $(ls "$kept" | wc -l) inputs ($(du -sh "$kept" | cut -f1))"
}
case "$which" in
  messages) fuzz fuzz_messages messages ;;
  plans) fuzz fuzz_plan plans ;;
  both) fuzz fuzz_messages messages; fuzz fuzz_plan plans ;;
  *) echo "unknown target $which"; exit 2 ;;
esac
if ls "$out/crashes" | grep -qE '^(crash|leak|timeout|oom)-'; then
  echo "FINDINGS in $out/crashes:"; ls "$out/crashes"; exit 1
fi
