#!/bin/sh
# One scripted agent session: run_agent_case.sh "EMULATOR" AGENT SCRIPT CASE DIR
# EMULATOR is empty on the host, "qemu-aarch64 -cpu max" for the cross build.
set -u
emu="$1"; agent="$2"; script="$3"; case="$4"; dir="$5"
mkdir -p "$dir"
if [ "$case" = tcp_refuse ]; then
  # --listen binds loopback only, and never without a token: each of these must exit with a
  # message and without printing a "listening" line
  fail=0
  for addr in 0.0.0.0:0 192.168.1.10:0 10.0.0.1:0 "[::]:0" "[2001:db8::1]:0" localhost:0 127.0.0.1:99999 127.0.0.1; do
    out="$(EDGEWISE_AGENT_TOKEN=0123456789abcdef0123 $emu "$agent" --listen "$addr" 2>"$dir/refuse.err")"
    rc=$?
    echo "  --listen $addr -> exit $rc: $(cat "$dir/refuse.err")"
    if [ "$rc" != 3 ] || [ -n "$out" ] || ! grep -q refused "$dir/refuse.err"; then fail=1; echo "  FAIL: $addr was not refused"; fi
  done
  out="$(env -u EDGEWISE_AGENT_TOKEN $emu "$agent" --listen 127.0.0.1:0 2>"$dir/refuse.err")"
  rc=$?
  echo "  no token -> exit $rc: $(cat "$dir/refuse.err")"
  if [ "$rc" != 2 ] || [ -n "$out" ]; then fail=1; echo "  FAIL: listening without a token"; fi
  out="$(EDGEWISE_AGENT_TOKEN=short $emu "$agent" --listen 127.0.0.1:0 2>"$dir/refuse.err")"
  if [ $? != 2 ] || [ -n "$out" ]; then fail=1; echo "  FAIL: listening with a 5-character token"; fi
  [ $fail = 0 ] && echo "agent_tcp_refuse: all checks passed"
  exit $fail
fi
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
[ "$case" = android ] && args="--android-root $dir/$case.in.android"
case "$case" in
  tcp_*)
    # the agent prints "edgewise-agent listening on 127.0.0.1:PORT"; the relay is the host
    rm -f "$dir/$case.port"
    EDGEWISE_AGENT_TOKEN=3f1c9a7e55d04b6a8e2b71c0d9f4a613 $emu "$agent" --listen 127.0.0.1:0 --accept-timeout 60 \
      > "$dir/$case.port" 2> "$dir/$case.err" &
    pid=$!
    i=0
    while ! grep -q listening "$dir/$case.port" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
    port="$(sed -n 's/^edgewise-agent listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/$case.port")"
    [ -n "$port" ] || { echo "no listening line: $(cat "$dir/$case.port" "$dir/$case.err")"; kill $pid; exit 1; }
    $emu "$script" relay "$port" "$dir/$case.in" "$dir/$case.out" || { kill $pid; exit 1; }
    wait $pid
    rc=$?
    ;;
  *)
    $emu "$agent" $args < "$dir/$case.in" > "$dir/$case.out" 2> "$dir/$case.err"
    rc=$?
    ;;
esac
if [ -n "$feeder" ]; then touch "$dir/$case.done"; wait "$feeder"; fi
cat "$dir/$case.err"
exec $emu "$script" check "$case" "$dir/$case.out" "$rc"
