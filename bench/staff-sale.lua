-- wrk: whole sales through the bots, as a guest and a barista make them. Run with as many
-- threads as connections (-t N -c N): each thread is one barista (Telegram id 5000000000 + n)
-- serving its own guests (Telegram ids from 7000000001, every n-th), and walks:
--   1. the guest presses "payment code" in the client bot (the answer carries the code);
--   2. the barista types the code in the staff bot;
--   3. the barista types the amount (the answer carries the Confirm button's nonce);
--   4. the barista presses Confirm.
-- A step whose answer is not the expected one starts the sale over. Set SECRET, GUESTS, THREADS.
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  secret = os.getenv("SECRET")
  guests = tonumber(os.getenv("GUESTS") or "1000")
  thread_count = tonumber(os.getenv("THREADS") or "1")
  math.randomseed(os.time() * 1000 + id)
  barista = 5000000000 + id
  update = id * 100000000000 + (os.time() % 100000) * 1000000
  step = 1
  sales = 0
  restarts = 0
end

local function guest()
  local slots = math.floor(guests / thread_count)
  return 7000000000 + id + thread_count * math.random(0, slots - 1)
end

local function post(bot, body)
  return wrk.format("POST", "/telegram/" .. bot, {
    ["Content-Type"] = "application/json",
    ["X-Telegram-Bot-Api-Secret-Token"] = secret,
  }, body)
end

local function message(user, text)
  update = update + 1
  return string.format(
    '{"update_id": %d, "message": {"message_id": %d, "date": %d, "chat": {"id": %d, "type": "private"}, ' ..
    '"from": {"id": %d, "is_bot": false, "first_name": "Bench", "language_code": "ru"}, "text": "%s"}}',
    update, update % 1000000, os.time(), user, user, text)
end

local function press(user, data)
  update = update + 1
  return string.format(
    '{"update_id": %d, "callback_query": {"id": "cb%d", "from": {"id": %d, "is_bot": false, "first_name": "Bench"}, ' ..
    '"message": {"message_id": 1, "date": %d, "chat": {"id": %d, "type": "private"}, "text": "…"}, ' ..
    '"chat_instance": "bench", "data": "%s"}}',
    update, update, user, os.time(), user, data)
end

function request()
  if step == 1 then
    return post("client", message(guest(), "🔢 Код оплаты"))
  elseif step == 2 then
    return post("staff", message(barista, code))
  elseif step == 3 then
    return post("staff", message(barista, "350"))
  else
    return post("staff", press(barista, "sc:" .. nonce))
  end
end

function response(status, headers, body)
  local ok = status == 200
  if ok and step == 1 then
    local first, second = body:match("(%d%d%d) (%d%d%d)")
    code = first and (first .. second)
    ok = code ~= nil
  elseif ok and step == 2 then
    ok = body:find("sx", 1, true) ~= nil
  elseif ok and step == 3 then
    nonce = body:match('"sc:([%w_%-]+)"')
    ok = nonce ~= nil
  elseif ok and step == 4 then
    ok = body:find("answerCallbackQuery", 1, true) ~= nil and body:find("Готово", 1, true) ~= nil
    if ok then sales = sales + 1 end
  end
  if ok then
    step = step % 4 + 1
  else
    restarts = restarts + 1
    step = 1
  end
end

function done(summary, latency, requests)
  local total_sales, total_restarts = 0, 0
  for _, thread in ipairs(threads) do
    total_sales = total_sales + thread:get("sales")
    total_restarts = total_restarts + thread:get("restarts")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT sales=%.1f updates=%.1f p50=%.2f p99=%.2f restarts=%d non2xx=%d\n",
    total_sales / seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    total_restarts, summary.errors.status))
end
