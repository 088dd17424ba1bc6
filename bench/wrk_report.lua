-- wrk script for bench/load.sh: counts status classes and cache hits, prints one parseable line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s2, s3, s4, s5, hits = 0, 0, 0, 0, 0
end

function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
  if headers["X-Cache"] == "HIT" then hits = hits + 1 end
end

function done(summary, latency, requests)
  local t2, t3, t4, t5, th = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    t2 = t2 + t:get("s2"); t3 = t3 + t:get("s3"); t4 = t4 + t:get("s4"); t5 = t5 + t:get("s5")
    th = th + t:get("hits")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f socket_errors=%d s2xx=%d s3xx=%d s4xx=%d s5xx=%d cache_hits=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, t2, t3, t4, t5, th))
end
