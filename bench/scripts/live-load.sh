#!/usr/bin/env bash
# Issue-6 live targets against the hub as its own process over loopback (bench/Telemed.LiveLoad):
# (a) 1,000 SignalR clients chatting on /hubs/consult, (b) a 12-lead 500 Hz live ECG fanned out to 50 viewers.
# Extra arguments go to the benchmark, e.g. --phase chat --rate 300 --seconds 60.
set -euo pipefail
cd "$(dirname "$0")/../.."
# 1,000 client sockets here and 1,000 in the hub, each process with its own limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
dotnet build -c Release src/ConsultHub/Telemed.ConsultHub.csproj -v q -nologo
dotnet build -c Release bench/Telemed.LiveLoad/Telemed.LiveLoad.csproj -v q -nologo
exec dotnet bench/Telemed.LiveLoad/bin/Release/net10.0/Telemed.LiveLoad.dll "$@"
