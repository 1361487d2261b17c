#!/bin/sh
# One scripted agent session: run_agent_case.sh "EMULATOR" AGENT SCRIPT CASE DIR
# EMULATOR is empty on the host, "qemu-aarch64 -cpu max" for the cross build.
set -u
emu="$1"; agent="$2"; script="$3"; case="$4"; dir="$5"
mkdir -p "$dir"
$emu "$script" write "$case" "$dir/$case.in" || exit 1
args=""
feeder=""
if [ "$case" = sensors ]; then
  # While the agent samples, the battery current flips between 700 (mA, charging sign) and
  # -350000 (uA, discharging sign): 2.66 W and 1.33 W at 3.8 V. Written to a temporary file and
  # renamed, as a reading must never see a half-written value.
  tree="$dir/$case.in.sysfs"
  args="--sysfs-root $tree"
  cur="$tree/class/power_supply/battery/current_now"
  rm -f "$dir/$case.done"
  ( i=0
    while [ ! -e "$dir/$case.done" ] && [ $i -lt 3000 ]; do
      if [ $((i % 2)) = 0 ]; then echo 700 > "$cur.tmp"; else echo -350000 > "$cur.tmp"; fi
      mv -f "$cur.tmp" "$cur"
      i=$((i + 1))
      sleep 0.01
    done ) &
  feeder=$!
fi
if [ "$case" = heartbeat ]; then args="--heartbeat-ms 20 --sysfs-root $dir/$case.in.sysfs"; fi
$emu "$agent" $args < "$dir/$case.in" > "$dir/$case.out" 2> "$dir/$case.err"
rc=$?
if [ -n "$feeder" ]; then touch "$dir/$case.done"; wait "$feeder"; fi
cat "$dir/$case.err"
exec $emu "$script" check "$case" "$dir/$case.out" "$rc"
