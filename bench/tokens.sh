#!/usr/bin/env bash
# Mandate's token endpoint under load beside its in-process reference, in one run:
#  1. client_credentials with private_key_jwt over HTTP keep-alive (wrk, pre-signed assertions, unique jti each)
#  2. raw ES256 verify+sign pairs per second in process on every core (the reference), and the ratio
#  3. in-process access-token validation (BenchmarkDotNet: p50 beside a raw ES256 verify)
# Server and load generator share the machine, as the figures in README say. Needs root or wrk installed.
# Usage: bench/tokens.sh [--duration 10s] [--connections 32] [--threads 2] [--skip-validation]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10s connections=32 threads=2 validation=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --skip-validation) validation=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "wrk is missing: apt-get install wrk" >&2; exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Mandate.Cli -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Mandate.Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly
bench=bench/Mandate.Benchmarks/bin/Release/net10.0/Mandate.Benchmarks.dll

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
export MANDATE_ADMIN_TOKEN=bench-admin-token-$(date +%s)-0123456789
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet src/Mandate.Cli/bin/Release/net10.0/mandate.dll serve --data "$work/data" --urls "$url" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$url/healthz" >/dev/null || { cat "$work/server.log"; echo "the server did not start" >&2; exit 1; }

# Enough assertions for the run at up to 20,000 tokens/s (the script reports any refusal, so a shortfall shows).
seconds=${duration%s}
count=$(( (seconds + 2) * 20000 ))
dotnet "$bench" tokens-prepare --server "$url" --count "$count" --out "$work/assertions.txt"

echo "== warm-up (3 s)"
wrk -t"$threads" -c"$connections" -d3s -s bench/tokens/client-credentials.lua "$url/oauth2/token" -- "$work/assertions.txt" "$threads" | grep "tokens/s"
dotnet "$bench" tokens-prepare --server "$url" --count "$count" --out "$work/assertions.txt" >/dev/null

echo "== client_credentials + private_key_jwt over HTTP keep-alive: wrk -t$threads -c$connections -d$duration"
wrk -t"$threads" -c"$connections" -d"$duration" -s bench/tokens/client-credentials.lua "$url/oauth2/token" -- "$work/assertions.txt" "$threads" | tee "$work/wrk.txt"
kill "$server"; wait "$server" 2>/dev/null || true; server=

echo "== reference: raw ES256 verify+sign in process"
dotnet "$bench" es256-raw --seconds 5 | tee "$work/raw.txt"

tokens=$(sed -n 's/^tokens\/s: \([0-9]*\)$/\1/p' "$work/wrk.txt")
raw=$(sed -n 's/^raw ES256 verify+sign: \([0-9]*\) pairs.*/\1/p' "$work/raw.txt")
echo "== result"
echo "tokens/s: $tokens (target >= 5000)"
echo "raw ES256 verify+sign pairs/s: $raw"
awk -v t="$tokens" -v r="$raw" 'BEGIN { printf "ratio tokens/s / raw verify+sign/s: %.2f (goal >= 0.5)\n", t / r }'

if [ "$validation" -eq 1 ]; then
  echo "== in-process access-token validation (BenchmarkDotNet; Median is p50)"
  dotnet "$bench" --filter '*AccessTokenValidation*' --job short 2>&1 | sed -n '/^| *Method/,/^$/p'
fi
