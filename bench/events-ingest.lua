-- wrk script for bench/events.sh: every request POSTs the same NDJSON body of 1,000 events (no ids, so the
-- server gives each a fresh one) with the admin token. Counts answers other than 200 as failures.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-ndjson"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("MANDATE_ADMIN_TOKEN")
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = file:read("*a")
file:close()

local failures = 0
function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("failed_requests %d\n", failures + summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency_p50_ms %.2f\nlatency_p99_ms %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
