#!/usr/bin/env bash
# Decision service load test with wrk over keep-alive connections, beside a bare Kestrel endpoint that answers a
# fixed JSON body, all in one session on this machine:
#   1. bare endpoint, saturated                      -> reference requests/s
#   2. single evaluations, saturated                 -> decisions/s and the ratio to the bare endpoint
#   3. single evaluations held at RATE (default 25,000/s: half the 50,000/s target) -> p50/p99 latency, beside the
#      bare endpoint held at the same rate (the latency wrk's pacing and the shared cores cost a server doing nothing)
#   4. batched evaluations (100 per request), saturated -> decisions/s
#   5. the same GET directly to the upstream and through `mandate proxy` (in-process decisions), held at
#      PROXY_RATE -> the p50 the proxy adds, and the part of it a forwarded request costs with no token check or
#      decision (an anonymous path through the same proxy)
# The server and the bare endpoint run in one process (the rig), the proxy in another. Each phase also reports the bytes
# the process serving it allocated per request (the rig for the server's phases: the bare endpoint shares it, but only
# the phase's targets are busy; the proxy's process for the proxied ones), which is most of what a request costs beyond
# its own work on this machine; the saturated phases the rig's CPU time per request (or decision: it counts no time the
# hypervisor takes, though a slower host and idle threads spinning still add to it); the single and batched phases the
# decision events the server stored and dropped during them; and the paced phase the rig's collections and the time
# they paused it (a collection stops every thread, and the requests that arrive meanwhile wait). Under server GC the
# runtime's allocation total can step back when the GC retires a heap (DATAS; dotnet/runtime#131069): a phase that shows
# a negative or implausibly low figure crossed such a step; re-run it.
# wrk has no rate limit of its own: phases 3 and 5 add a Lua delay() hook that keeps an open-loop schedule per wrk
# thread, one request every THREADS/RATE seconds, and waits only until the next slot (a late request does not push
# the schedule back), so the phase offers RATE requests/s whatever the latency. wrk's timers count whole
# milliseconds, so requests leave in small bursts at each millisecond; latency is measured from each send. The
# achieved rate is printed: if the server cannot keep up it is lower.
# The paced phases (3 and 5) run ROUNDS times, each round the reference and then what is measured against it, so a
# noisy minute on a shared machine weighs on both; every round is printed, and the summary lines give the median over
# the rounds (for the proxy, the median of each round's difference).
# With ALLOCATIONS=1 three more phases follow the measured ones: single and batched evaluations saturated, and proxied
# requests at PROXY_RATE, with the process serving them sampling its allocations by type (the runtime's allocation
# ticks, about one per 100 KB); each prints the types that took the most bytes per request or decision. Sampling slows
# the process, so these phases give no figures of their own.
# Environment: DURATION (10s), THREADS (2), CONNS (64), RATE (25000), PROXY_CONNS (8), PROXY_RATE (2000), ROUNDS (3), WARMUP (10s),
# ALLOCATIONS (0).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s} THREADS=${THREADS:-2} CONNS=${CONNS:-64} RATE=${RATE:-25000}
PROXY_CONNS=${PROXY_CONNS:-8} PROXY_RATE=${PROXY_RATE:-2000} ROUNDS=${ROUNDS:-3} WARMUP=${WARMUP:-10s} ALLOCATIONS=${ALLOCATIONS:-0}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; fi
  command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
fi

out=$(mktemp -d)
rigs=()
declare -A fds   # rig name -> the descriptor its standard input is open on
cleanup() { for fd in "${fds[@]}"; do eval "exec $fd>&-" 2>/dev/null || true; done; for pid in "${rigs[@]}"; do wait "$pid" 2>/dev/null || true; done; rm -rf "$out"; }
trap cleanup EXIT

dotnet build bench/Mandate.Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
start() { # name fd [arguments] -> starts `decision-rig [arguments] --out $out` with its standard input on fd, its output in
          # $out/name.log, and waits until it is ready; it runs until fd closes
  local name=$1 fd=$2; shift 2
  mkfifo "$out/$name.stdin"
  dotnet bench/Mandate.Benchmarks/bin/Release/net10.0/Mandate.Benchmarks.dll decision-rig "$@" --out "$out" <"$out/$name.stdin" >"$out/$name.log" 2>&1 &
  local pid=$!
  rigs+=("$pid")
  fds[$name]=$fd
  eval "exec $fd>\"\$out/$name.stdin\""
  for _ in $(seq 600); do grep -q READY "$out/$name.log" 2>/dev/null && break; kill -0 "$pid" 2>/dev/null || { cat "$out/$name.log"; exit 1; }; sleep 0.1; done
  grep -q READY "$out/$name.log" || { echo "decision-rig $* did not start"; cat "$out/$name.log"; exit 1; }
}
# The server and the bare endpoint share one process; the proxy has its own, as in a deployment.
start rig 3
start proxy 4 --proxy
# shellcheck disable=SC1091
source "$out/rig.env"
# shellcheck disable=SC1091
source "$out/proxy.env"

# Make sure every phase measures real answers, not refusals.
check() { local answer; answer=$(curl -s "$@"); case "$answer" in *'"decision":true'*) ;; *) echo "unexpected answer: $answer"; exit 1;; esac; }
token=$(sed -n 's/.*Bearer \([^"]*\)".*/\1/p' "$out/single.lua")
check -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$out/single.lua")" "$MANDATE/access/v1/evaluation"
check -H "Authorization: Bearer $(sed -n 's/.*Bearer \([^"]*\)".*/\1/p' "$out/proxied.lua")" -H 'X-Purpose: monthly-close' "$PROXY/invoices/7"

paced() { # script rate -> a copy that offers RATE requests/s in all, on an open-loop schedule per wrk thread
  local copy="$out/paced-$(basename "$1" .lua)-$2.lua"
  cp "$1" "$copy"
  cat >>"$copy" <<LUA

-- Pacing (bench/decisions.sh): one request every step ms on this thread's schedule, read off the monotonic clock.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } paced_timespec;
int clock_gettime(int clock, paced_timespec *now);
]]
local clock = ffi.new("paced_timespec")
local step = $(awk -v t="$THREADS" -v r="$2" 'BEGIN { printf "%.6f", t * 1000 / r }')
local slot = nil
local function now()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
function delay()
  local t = now()
  -- The first request starts the schedule; after a stall of over a second it restarts rather than burst to catch up.
  if slot == nil or slot < t - 1000 then slot = t end
  slot = slot + step
  return slot > t and math.floor(slot - t) or 0
end
LUA
  echo "$copy"
}
ask() { # rig command marker -> sends a rig a command and waits (up to 5 s) for one more line starting with marker; prints how many there were before
  local log="$out/$1.log"
  local seen; seen=$(grep -c "^$3" "$log" || true)
  echo "$2" >&"${fds[$1]}"
  for _ in $(seq 100); do [ "$(grep -c "^$3" "$log" || true)" -gt "$seen" ] && break; sleep 0.05; done
  echo "$seen"
}
stats() { # rig -> "allocated-bytes gen0 gen1 gen2 events-written events-dropped gc-pause-us cpu-us" of a rig, asked for through its standard input
  ask "$1" stats STATS >/dev/null
  grep '^STATS' "$out/$1.log" | tail -1 | cut -d' ' -f2-
}
run() { # name connections script url [rig] -> a phase, with the figures of the rig that serves it (default: the server's)
  local before after rig=${5:-rig}
  before=$(stats "$rig")
  wrk -t"$THREADS" -c"$2" -d"$DURATION" --latency -s "$3" "$4" >"$out/$1.txt"
  after=$(stats "$rig")
  awk -v b="$before" -v a="$after" '/ requests in / { split(b, x, " "); split(a, y, " ");
    printf "%.0f %d %d %d %.1f %.2f\n", (y[1] - x[1]) / $1, y[2] - x[2], y[5] - x[5], y[6] - x[6], (y[7] - x[7]) / 1000, (y[8] - x[8]) / $1 }' "$out/$1.txt" >"$out/$1.alloc"
  if grep -q 'Non-2xx' "$out/$1.txt"; then echo "$1: the server refused requests"; cat "$out/$1.txt"; exit 1; fi
}
sampled() { # name connections script url per-request [rig] -> the phase run with allocations sampled in the rig that
            # serves it (default: the server's), the top types per unit
  local rig=${6:-rig}
  ask "$rig" sample SAMPLING >/dev/null
  run "$1" "$2" "$3" "$4" "$rig"
  local before units; before=$(ask "$rig" allocations 'ALLOCATIONS END')
  units=$(awk -v per="$5" '/ requests in / { print $1 * per }' "$out/$1.txt")
  # The rows printed after the reports before this one, up to its end line.
  awk -v before="$before" -v units="$units" '/^ALLOCATIONS END/ { n++ } n == before && /^ALLOC / {
    printf "    %8.1f B  %s\n", $2 / units, $3 }' "$out/$rig.log"
}
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out/$1.txt"; }
alloc() { cut -d' ' -f1 "$out/$1.alloc"; }
cpu() { # the rig's CPU time per request in a phase, in microseconds (time the hypervisor takes is not counted)
  cut -d' ' -f6 "$out/$1.alloc"; }
events() { # the decision events a phase stored and dropped (stored ones may trail the phase by a batch or two)
  awk '{ printf "events stored %d, dropped %d", $3, $4 }' "$out/$1.alloc"; }
gc() { awk '{ printf "%d collections, paused %.1f ms", $2, $5 }' "$out/$1.alloc"; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
rounds() { # function phase [arguments] -> the median over the rounds of `function phase-ROUND [arguments]`
  local f=$1 phase=$2; shift 2; median $(for r in $(seq "$ROUNDS"); do "$f" "$phase-$r" "$@"; echo; done); }
us() { # percentile (50%, 99%) of a run, in microseconds
  awk -v p="$2" '$1 == p { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 : 1; printf "%.0f", v * f }' "$out/$1.txt"
}

# Warm up every target (JIT tiering, connection pools, the proxy's snapshot) before anything is measured: WARMUP each,
# long enough that the JIT has finished tiering up (after 8 s of proxied requests it still took 7% of a profile of the
# rig, after 20 s under 0.5%).
for target in "bare.lua $BARE/bare" "single.lua $MANDATE/access/v1/evaluation" "batch.lua $MANDATE/access/v1/evaluations" \
              "direct.lua $BARE/invoices/7" "proxied.lua $PROXY/invoices/7" "direct.lua $PROXY/invoices/open"; do
  set -- $target
  wrk -t"$THREADS" -c16 -d"$WARMUP" -s "$out/$1" "$2" >/dev/null
done

echo "wrk ${DURATION} per phase, ${THREADS} threads, keep-alive; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
run bare "$CONNS" "$out/bare.lua" "$BARE/bare"
run single "$CONNS" "$out/single.lua" "$MANDATE/access/v1/evaluation"
for r in $(seq "$ROUNDS"); do
  run "bare-paced-$r" "$CONNS" "$(paced "$out/bare.lua" "$RATE")" "$BARE/bare"
  run "paced-$r" "$CONNS" "$(paced "$out/single.lua" "$RATE")" "$MANDATE/access/v1/evaluation"
done
run batch 16 "$out/batch.lua" "$MANDATE/access/v1/evaluations"
for r in $(seq "$ROUNDS"); do
  run "direct-$r" "$PROXY_CONNS" "$(paced "$out/direct.lua" "$PROXY_RATE")" "$BARE/invoices/7"
  run "proxied-$r" "$PROXY_CONNS" "$(paced "$out/proxied.lua" "$PROXY_RATE")" "$PROXY/invoices/7" proxy
  run "hop-$r" "$PROXY_CONNS" "$(paced "$out/direct.lua" "$PROXY_RATE")" "$PROXY/invoices/open" proxy
done

bare=$(rps bare) single=$(rps single) batch=$(( $(rps batch) * BATCH ))
printf '%-44s %12s   %s B/request allocated, %s us rig CPU/request\n' "bare Kestrel endpoint (reference)" "$bare req/s" "$(alloc bare)" "$(cpu bare)"
printf '%-44s %12s   (target >= 50000) %s B/request allocated, %s us rig CPU/request, %s\n' "single evaluations" "$single decisions/s" "$(alloc single)" "$(cpu single)" "$(events single)"
printf '%-44s %12s   (goal >= 0.5)\n' "ratio single / bare" "$(awk -v a="$single" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"
for r in $(seq "$ROUNDS"); do
  printf '  round %d at %s/s: bare p50 %s us, p99 %s us (achieved %s req/s); single p50 %s us, p99 %s us (achieved %s/s), rig GC: %s\n' \
    "$r" "$RATE" "$(us "bare-paced-$r" 50%)" "$(us "bare-paced-$r" 99%)" "$(rps "bare-paced-$r")" \
    "$(us "paced-$r" 50%)" "$(us "paced-$r" 99%)" "$(rps "paced-$r")" "$(gc "paced-$r")"
done
printf '%-44s %12s\n' "bare endpoint at ${RATE}/s (reference): p50" "$(rounds us bare-paced 50%) us"
printf '%-44s %12s\n' "bare endpoint at ${RATE}/s (reference): p99" "$(rounds us bare-paced 99%) us"
printf '%-44s %12s\n' "single at ${RATE}/s: p50" "$(rounds us paced 50%) us"
printf '%-44s %12s   (target < 2000)\n' "single at ${RATE}/s: p99" "$(rounds us paced 99%) us"
printf '%-44s %12s   (target >= 500000) %s B/decision allocated, %s us rig CPU/decision, %s\n' "batched evaluations (${BATCH} per request)" "$batch decisions/s" "$(( $(alloc batch) / BATCH ))" "$(awk -v c="$(cpu batch)" -v b="$BATCH" 'BEGIN { printf "%.2f", c / b }')" "$(events batch)"
printf '%-44s %12s\n' "ratio batched decisions / bare requests" "$(awk -v a="$batch" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"
added() { # phase-ROUND -> its p50 less the direct GET's p50 in the same round, in microseconds
  printf '%d' $(( $(us "$1" 50%) - $(us "direct-${1##*-}" 50%) )); }
for r in $(seq "$ROUNDS"); do
  printf '  round %d at %s/s: direct p50 %s us, through the proxy %s us (adds %s us; the proxy allocated %s B/request), forwarding alone adds %s us (%s B/request)\n' \
    "$r" "$PROXY_RATE" "$(us "direct-$r" 50%)" "$(us "proxied-$r" 50%)" "$(added "proxied-$r")" "$(alloc "proxied-$r")" "$(added "hop-$r")" "$(alloc "hop-$r")"
done
printf '%-44s %12s\n' "direct GET at ${PROXY_RATE}/s: p50" "$(rounds us direct 50%) us"
printf '%-44s %12s\n' "through mandate proxy at ${PROXY_RATE}/s: p50" "$(rounds us proxied 50%) us"
printf '%-44s %12s   (target <= 200)\n' "proxy adds (p50)" "$(rounds added proxied) us"
printf '%-44s %12s   (an anonymous path: forwarding alone)\n' "  of which the proxy hop without enforcement" "$(rounds added hop) us"

if [ "$ALLOCATIONS" = 1 ]; then
  echo "allocated per single evaluation, by type (sampled; the figures above were measured without sampling):"
  sampled single-sampled "$CONNS" "$out/single.lua" "$MANDATE/access/v1/evaluation" 1
  echo "allocated per batched decision, by type (sampled):"
  sampled batch-sampled 16 "$out/batch.lua" "$MANDATE/access/v1/evaluations" "$BATCH"
  echo "allocated by the proxy per proxied request, by type (sampled):"
  sampled proxied-sampled "$PROXY_CONNS" "$(paced "$out/proxied.lua" "$PROXY_RATE")" "$PROXY/invoices/7" 1 proxy
fi
