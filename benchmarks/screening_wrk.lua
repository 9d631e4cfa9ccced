-- wrk script for benchmarks/screening_load.py: POST /api/screen, a different body each time.
--   wrk -t1 -c16 -d20s -s benchmarks/screening_wrk.lua http://127.0.0.1:PORT -- TOKEN BODIES
-- BODIES is a file of JSON bodies, one a line. done() prints one JSON line of figures.

local prepared = {}
local next_one = 0

function init(args)
  local headers = {
    ["Authorization"] = "Bearer " .. args[1],
    ["Content-Type"] = "application/json",
  }
  for body in io.lines(args[2]) do
    prepared[#prepared + 1] = wrk.format("POST", "/api/screen", headers, body)
  end
  math.randomseed(os.time())
  next_one = math.random(#prepared)
end

function request()
  next_one = next_one % #prepared + 1
  return prepared[next_one]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
      .. '"p50_us": %.1f, "p99_us": %.1f, "max_us": %.1f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max
  ))
end
