#!/usr/bin/env bash
# Mandate's Cedar engine on the agent-fleet workload beside the reference implementation, in one run:
# per-decision percentiles at 100..100,000 policies, allocation, resource search, then cedar-wasm on the same
# 10,000-policy requests, and the ratio. Needs `npm ci` at the repository root (test.sh does it). Each workload is backed
# by huge pages once built, as the server does with its snapshot; `bash bench/cedar.sh --small-pages` leaves it on small ones.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -d node_modules/@cedar-policy/cedar-wasm ] || npm ci --no-audit --no-fund --loglevel=error
dotnet run -c Release --project bench/Mandate.Benchmarks -- cedar-fleet --out "$out" "$@"
node bench/cedar-wasm/bench.mjs "$out"
