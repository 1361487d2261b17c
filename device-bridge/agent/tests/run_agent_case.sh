#!/bin/sh
# One scripted agent session: run_agent_case.sh "EMULATOR" AGENT SCRIPT CASE DIR
# EMULATOR is empty on the host, "qemu-aarch64 -cpu max" for the cross build.
set -u
emu="$1"; agent="$2"; script="$3"; case="$4"; dir="$5"
mkdir -p "$dir"
$emu "$script" write "$case" "$dir/$case.in" || exit 1
args=""
[ "$case" = sensors ] && args="--sysfs-root $dir/$case.in.sysfs"
$emu "$agent" $args < "$dir/$case.in" > "$dir/$case.out" 2> "$dir/$case.err"
rc=$?
cat "$dir/$case.err"
exec $emu "$script" check "$case" "$dir/$case.out" "$rc"
