#!/usr/bin/env bash
# Mandate's event pipeline figures, each beside a reference measured in the same run (see docs/events.md):
#   1. in-process pipeline, emit -> durable (chained, compressed), vs a plain batched SQLite insert;
#   2. one identity's last hour out of STORED events: Mandate's store vs DuckDB and plain SQLite rows;
#   3. HTTP NDJSON ingest in batches of 1,000 events with wrk: durable events/s and the ratio to the plain insert.
# Knobs: EVENTS (pipeline run, 2,000,000), STORED (query run, 10,000,000), DURATION (wrk, 20s), CONNECTIONS (8).
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${EVENTS:-2000000}
STORED=${STORED:-10000000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-8}
export MANDATE_ADMIN_TOKEN=${MANDATE_ADMIN_TOKEN:-bench-admin-token-0123456789abcdef}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else echo "wrk is missing: apt-get install wrk"; exit 1; fi
fi

dotnet build -c Release --nologo -v quiet -clp:ErrorsOnly bench/Mandate.Benchmarks
dotnet build -c Release --nologo -v quiet -clp:ErrorsOnly src/Mandate.Cli
out=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT

echo "== in process =="
dotnet bench/Mandate.Benchmarks/bin/Release/net10.0/Mandate.Benchmarks.dll events --events "$EVENTS" --stored "$STORED" | tee "$out/inproc.txt"
reference=$(sed -n 's/^reference:.*: *\([0-9,]*\) events\/s.*/\1/p' "$out/inproc.txt" | tr -d ,)

echo "== HTTP NDJSON ingest, 1,000 events per request, $CONNECTIONS connections, $DURATION =="
dotnet bench/Mandate.Benchmarks/bin/Release/net10.0/Mandate.Benchmarks.dll events-body --out "$out/body.ndjson" --count 1000
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet src/Mandate.Cli/bin/Release/net10.0/mandate.dll serve --data "$out/data" --urls "http://127.0.0.1:$port" >"$out/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
BODY_FILE="$out/body.ndjson" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -s bench/events-ingest.lua "http://127.0.0.1:$port/v1/events" | tee "$out/wrk.txt"
written=$(curl -sf "http://127.0.0.1:$port/metrics" | sed -n 's/^mandate_events_written_total{[^}]*} *\([0-9.e+]*\).*/\1/p; s/^mandate_events_written_total *\([0-9.e+]*\).*/\1/p' | head -1)
requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$out/wrk.txt")
seconds=$(sed -n 's/^ *[0-9]* requests in \([0-9.]*\)\([a-z]*\),.*/\1 \2/p' "$out/wrk.txt" | awk '{ print ($2 == "m" ? $1 * 60 : ($2 == "ms" ? $1 / 1000 : $1)) }')
failed=$(sed -n 's/^failed_requests \([0-9]*\)/\1/p' "$out/wrk.txt")
python3 - "$requests" "$seconds" "$failed" "$reference" "${written:-0}" <<'PY'
import sys
requests, seconds, failed, reference, written = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
rate = (requests - failed) * 1000 / seconds
print(f"HTTP ingest: {rate:,.0f} durable events/s ({requests - failed:,} acknowledged requests of 1,000 events, {failed} failed; server counted {written:,.0f} written)")
print(f"ratio HTTP ingest / plain batched SQLite insert: {rate / reference:.2f}  (target: >= 200,000 events/s)")
PY
