#!/usr/bin/env bash
# Benchmark of `edgewise analyze --format json` as a whole process on a VGG-16-shaped ONNX model
# with random weights (~550 MB, written to a temporary folder and removed afterwards).
# Prints, from one run: the time to merely read the file, then wall time and peak RSS of the
# analyze process (median of N runs), next to Python's onnx.load when python3-onnx is installed.
# Target (issue 2): at most 1.0 s and 300 MB peak RSS on this machine.
#   usage: profiler-core/bench/analyze-bench.sh [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUNS="${1:-5}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$ROOT/edgewise" --version >/dev/null            # builds if needed
MODEL="$TMP/vgg16.onnx"
"$ROOT/edgewise" zoo vgg16 -o "$MODEL" >/dev/null
"$ROOT/edgewise" analyze --format json "$MODEL" -o /dev/null   # first run also writes the class-data archive

measure() { # prints "seconds rss_kb" of a command
    local f="$TMP/time"
    /usr/bin/time -f '%e %M' -o "$f" "$@" >/dev/null 2>&1
    cat "$f"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf 'model: %s (%d bytes), %s cores, load average %s\n' "VGG-16 shaped, random weights" \
    "$(stat -c %s "$MODEL")" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
read_s="$(for _ in $(seq "$RUNS"); do measure cat "$MODEL" | cut -d' ' -f1; done | median)"
printf 'read the file (cat > /dev/null, page cache warm): %s s\n' "$read_s"

walls=(); rsss=()
for _ in $(seq "$RUNS"); do
    r="$(measure "$ROOT/edgewise" analyze --format json "$MODEL" -o "$TMP/out.json")"
    walls+=("${r% *}"); rsss+=("${r#* }")
done
wall="$(printf '%s\n' "${walls[@]}" | median)"
rss="$(printf '%s\n' "${rsss[@]}" | median)"
printf 'edgewise analyze --format json: wall %s s (runs: %s), peak RSS %d MB\n' "$wall" "${walls[*]}" $(( rss / 1024 ))
awk -v w="$wall" -v r="$read_s" -v m=$(( rss / 1024 )) 'BEGIN {
    printf "ratio analyze/read: %.1fx; target wall <= 1.0 s: %s; target RSS <= 300 MB: %s\n",
        w / (r > 0 ? r : 0.001), (w <= 1.0 ? "met" : "NOT met"), (m <= 300 ? "met" : "NOT met") }'

if /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
    r="$(measure /usr/bin/python3 -c "import onnx; onnx.load('$MODEL')")"
    printf 'for scale, python onnx.load alone: wall %s s, peak RSS %d MB\n' "${r% *}" $(( ${r#* } / 1024 ))
fi
