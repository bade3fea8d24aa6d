-- wrk: POST /api/v1/orders for a random one of GUESTS synthetic guests (Telegram ids from
-- 7000000001), each request with a fresh Idempotency-Key. Set KEY, GUESTS in the environment.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  key = os.getenv("KEY")
  guests = tonumber(os.getenv("GUESTS") or "1000")
  run = os.getenv("RUN") or tostring(os.time())
end

function request()
  counter = counter + 1
  local telegram_id = 7000000000 + math.random(1, guests)
  local body = '{"telegram_id": ' .. telegram_id .. ', "amount_kopecks": 35000}'
  return wrk.format("POST", "/api/v1/orders", {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "wrk-" .. run .. "-" .. id .. "-" .. counter,
  }, body)
end

-- Each thread counts its answers by status; done() adds the threads' counts up.
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do table.insert(parts, status .. ":" .. count) end
  table.sort(parts)
  io.write(string.format("wrk: %d requests, %d errors (connect %d, read %d, write %d, status %d, timeout %d)\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  io.write("STATUSES " .. table.concat(parts, ",") .. "\n")
  io.write(string.format("RESULT rps=%.1f p50=%.2f p99=%.2f non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
