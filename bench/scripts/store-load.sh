#!/usr/bin/env bash
# C-STORE throughput of the hub's gateway against DCMTK's storescp, measured in one run (issue 4 target):
# DCMTK storescu sends N uncompressed 16-bit 2500x3000 CR images (~15 MB each) over one association and over four
# in parallel, to storescp (writes files, no fsync) and to the hub (fsync + catalog row before every response).
# Then 16 parallel associations to the hub while its peak RSS (VmHWM) is read.
# Before each timed run the receiver gets 8 warm-up images (not counted): the hub is a long-running server, and its
# first seconds after a start are spent JIT-compiling and tiering (≈13 % of its CPU in a perf profile of a cold run);
# storescp gets the same warm-up for symmetry.
# Usage: bench/scripts/store-load.sh [count=300] [workdir=/tmp/telemed-store-load]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-300}
work=${2:-/tmp/telemed-store-load}
corpus=$work/corpus
mkdir -p "$work"

dotnet build -c Release -v q -nologo src/ConsultHub >/dev/null
dotnet build -c Release -v q -nologo bench/Telemed.Benchmarks >/dev/null
if [ "$(ls "$corpus"/cr-*.dcm 2>/dev/null | wc -l)" -ne "$count" ]; then
  rm -rf "$corpus"
  dotnet run -c Release --no-build --project bench/Telemed.Benchmarks -- make-cr-corpus "$corpus" "$count"
fi
mapfile -t files < <(ls "$corpus"/cr-*.dcm)
bytes=$(du -cb "${files[@]}" | tail -n 1 | cut -f1)

port_scp=21112; port_hub=21113
now() { date +%s.%N; }
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

# $1 = port, $2 = called AE, $3 = parallel associations; prints seconds
send() {
  local port=$1 aec=$2 n=$3 start end i
  start=$(now)
  for ((i = 0; i < n; i++)); do
    storescu -aet STORESCU -aec "$aec" 127.0.0.1 "$port" $(printf '%s\n' "${files[@]}" | awk -v n="$n" -v i="$i" 'NR % n == i') &
  done
  wait
  end=$(now)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

warmup() { storescu -aet STORESCU -aec "$2" 127.0.0.1 "$1" "${files[@]:0:8}"; }

echo "== $count files, $((bytes / 1000000)) MB"

rm -rf "$work/scp" && mkdir -p "$work/scp"
storescp --fork -aet STORESCP -od "$work/scp" "$port_scp" & scp_pid=$!
sleep 1
warmup $port_scp STORESCP; rm -rf "$work/scp"/*
t=$(send $port_scp STORESCP 1); scp1=$(rate "$t"); echo "storescp, 1 association:  $t s, $scp1 MB/s"
rm -rf "$work/scp"/*
warmup $port_scp STORESCP; rm -rf "$work/scp"/*
t=$(send $port_scp STORESCP 4); scp4=$(rate "$t"); echo "storescp, 4 associations: $t s, $scp4 MB/s"
kill $scp_pid; wait $scp_pid 2>/dev/null || true
rm -rf "$work/scp"

start_hub() {
  rm -rf "$work/hub"
  dotnet src/ConsultHub/bin/Release/net10.0/linux-x64/Telemed.ConsultHub.dll --data "$work/hub" --dicom-port $port_hub \
    --ecg-port 21116 --http http://127.0.0.1:21117 --silo-port 21114 --gateway-port 21115 >"$work/hub.log" 2>&1 & hub_pid=$!
  until echoscu -aet ECHOSCU -aec TELEMED 127.0.0.1 $port_hub 2>/dev/null; do sleep 0.5; done
  warmup $port_hub TELEMED
}
start_hub
t=$(send $port_hub TELEMED 1); hub1=$(rate "$t"); echo "hub (fsync), 1 association:  $t s, $hub1 MB/s"
kill $hub_pid; wait $hub_pid 2>/dev/null || true
start_hub
t=$(send $port_hub TELEMED 4); hub4=$(rate "$t"); echo "hub (fsync), 4 associations: $t s, $hub4 MB/s"
kill $hub_pid; wait $hub_pid 2>/dev/null || true
start_hub
rss0=$(awk '/VmRSS/ { print $2 }' /proc/$hub_pid/status)
t=$(send $port_hub TELEMED 16); hub16=$(rate "$t")
hwm=$(awk '/VmHWM/ { print $2 }' /proc/$hub_pid/status)
echo "hub (fsync), 16 associations: $t s, $hub16 MB/s; RSS before $((rss0 / 1024)) MB, peak $((hwm / 1024)) MB"
stored=$(find "$work/hub/blobs" -type f | wc -l)
kill $hub_pid; wait $hub_pid 2>/dev/null || true
echo "hub stored $stored blobs (expected $count; the warm-up images are resent in the timed run and stored once)"
awk -v a="$hub1" -v b="$scp1" -v c="$hub4" -v d="$scp4" 'BEGIN { printf "ratio hub/storescp: 1 association %.2f, 4 associations %.2f\n", a / b, c / d }'
rm -rf "$work/hub"
