-- wrk: client-bot updates to POST /telegram/client, as Telegram sends them: /start, the profile
-- button and the payment-code button from GUESTS registered guests (Telegram ids from
-- 7000000001), each with a new update_id. Set SECRET and GUESTS in the environment, and DELAY_MS
-- to pause that long between a connection's requests (a steady rate below the maximum).
local counter = 0
local texts = { "/start", "👤 Профиль", "🔢 Код оплаты" }

function setup(thread)
  thread:set("id", math.random(1, 1000000))
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  secret = os.getenv("SECRET")
  guests = tonumber(os.getenv("GUESTS") or "1000")
  base = (id % 1000) * 100000000 + os.time() % 100000 * 1000
  pause = tonumber(os.getenv("DELAY_MS") or "0")
end

function delay()
  return pause
end

function request()
  counter = counter + 1
  local user = 7000000000 + math.random(1, guests)
  local text = texts[(counter % #texts) + 1]
  local body = string.format(
    '{"update_id": %d, "message": {"message_id": %d, "date": %d, "chat": {"id": %d, "type": "private"}, ' ..
    '"from": {"id": %d, "is_bot": false, "first_name": "Bench", "language_code": "ru"}, "text": "%s"}}',
    base + counter, counter, os.time(), user, user, text)
  return wrk.format("POST", "/telegram/client", {
    ["Content-Type"] = "application/json",
    ["X-Telegram-Bot-Api-Secret-Token"] = secret,
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p99=%.2f non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
