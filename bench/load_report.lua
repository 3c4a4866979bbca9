-- wrk script of bench/load_bench.py: one JSON line at the end of a run, with the latency
-- percentiles (wrk's latency:percentile, in microseconds), the socket errors, and every answer
-- that was not 2xx (wrk's own "status" error counts only 4xx and 5xx; a redirect is not a page).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'PALERMO_LOAD {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "status_errors": %d, "not_2xx": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, bad))
end
