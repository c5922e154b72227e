#!/usr/bin/env bash
# One hub, one setting: 40 warm-up images over 4 associations, then the 300 timed ones over N associations; prints
# MB/s and the hub's user/system CPU for the timed part. Runs the built hub (bench/scripts/store-load.sh builds it and
# makes the corpus). Usage: bench/scripts/hub-store-ab.sh <associations> [ENV=value ...] [workdir=/tmp/telemed-store-load]
# e.g. hub-store-ab.sh 4 DOTNET_TieredCompilation=1   versus   hub-store-ab.sh 4 DOTNET_TieredCompilation=0
set -euo pipefail
cd "$(dirname "$0")/../.."
n=$1; shift
envs=(); while [ $# -gt 0 ] && [[ $1 == *=* ]]; do envs+=("$1"); shift; done
work=${1:-/tmp/telemed-store-load}
mapfile -t all < <(ls "$work"/corpus/cr-*.dcm); files=("${all[@]:0:300}"); warm=("${all[@]:300}")
bytes=$(du -cb "${files[@]}" | tail -n 1 | cut -f1)
rm -rf "$work/hub-ab"
env "${envs[@]}" dotnet src/ConsultHub/bin/Release/net10.0/linux-x64/Telemed.ConsultHub.dll --data "$work/hub-ab" \
  --dicom-port 21123 --ecg-port 21126 --http http://127.0.0.1:21127 --silo-port 21124 --gateway-port 21125 >"$work/hub-ab.log" 2>&1 & pid=$!
until echoscu -aet ECHOSCU -aec TELEMED 127.0.0.1 21123 2>/dev/null; do sleep 0.5; done
send() { # $1 = associations, rest = files
  local a=$1 i p=(); shift
  for ((i = 0; i < a; i++)); do
    storescu -aet STORESCU -aec TELEMED 127.0.0.1 21123 $(printf '%s\n' "$@" | awk -v n="$a" -v i="$i" 'NR % n == i') & p+=($!)
  done
  wait "${p[@]}"
}
send 4 "${warm[@]}"
read -r u0 s0 < <(awk '{ print $14, $15 }' /proc/$pid/stat); start=$(date +%s.%N)
send "$n" "${files[@]}"
end=$(date +%s.%N); read -r u1 s1 < <(awk '{ print $14, $15 }' /proc/$pid/stat)
awk -v b="$bytes" -v s="$start" -v e="$end" -v u=$((u1 - u0)) -v k=$((s1 - s0)) -v n="$n" -v env="${envs[*]:-default}" \
  'BEGIN { printf "hub, %d associations [%s]: %.1f MB/s, user %.2f s, system %.2f s\n", n, env, b / 1e6 / (e - s), u / 100, k / 100 }'
kill $pid; wait $pid 2>/dev/null || true
