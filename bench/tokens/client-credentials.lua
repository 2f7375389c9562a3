-- wrk script: POST client-credentials token requests, each with the next pre-signed client assertion from the
-- file given after `--` (one form body per line, every jti unique), and count answers by status.
-- Arguments after `--`: the assertions file and wrk's thread count (-t), so threads take interleaved slices and
-- no assertion is sent twice (wrk runs each thread's init before the next thread's setup, so setup cannot count).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  bodies = {}
  local file = assert(io.open(args[1], "r"), "pass the assertions file after --")
  for line in file:lines() do
    table.insert(bodies, line)
  end
  file:close()
  step = tonumber(args[2] or "1")
  index = id
  ok, refused = 0, 0
end

function request()
  local body = bodies[index]
  if body == nil then
    -- Out of assertions: an empty form is refused (and counted as such) rather than replaying one.
    body = "grant_type=client_credentials"
  end
  index = index + step
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    refused = refused + 1
    if example == nil then example = status .. " " .. body end
  end
end

function done(summary, latency, requests)
  local issued, failed, example = 0, 0, nil
  for _, t in ipairs(threads) do
    issued = issued + t:get("ok")
    failed = failed + t:get("refused")
    example = example or t:get("example")
  end
  if example then io.write("a refusal: " .. example .. "\n") end
  local seconds = summary.duration / 1e6
  io.write(string.format("tokens issued: %d, refused: %d, in %.1f s\n", issued, failed, seconds))
  io.write(string.format("tokens/s: %.0f\n", issued / seconds))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
