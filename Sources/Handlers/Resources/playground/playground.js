// The playground plays Telegram: it builds real Update objects and hands them to the server, which
// posts them to the bots' webhooks with their secrets and executes the reply a webhook returns (as
// Telegram would); the page shows what the bots sent, read from the stand-in Bot API's record.
// The page never sees a bot token or a webhook secret.
"use strict";

const state = {
  config: null,
  after: 0,
  nextUpdate: Date.now() * 10,
  nextMessage: 1,
  users: {
    client: { id: 0, first_name: "Guest", language_code: "ru" },
    staff: { id: 990000001, first_name: "Barista", language_code: "ru" },
  },
};

const panes = {
  client: document.getElementById("client"),
  staff: document.getElementById("staff"),
};

function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.classList.add("shown");
  setTimeout(() => box.classList.remove("shown"), 2500);
}

async function getJSON(url, options) {
  const response = await fetch(url, options);
  return response.json();
}

function user(bot) {
  const person = state.users[bot];
  return { id: person.id, is_bot: false, first_name: person.first_name, language_code: person.language_code };
}

function chat(bot) {
  const person = state.users[bot];
  return { id: person.id, type: "private", first_name: person.first_name };
}

async function deliver(bot, update) {
  const response = await fetch(`/dev/playground/deliver/${bot}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(update),
  });
  if (!response.ok) { toast(`the webhook answered ${response.status}`); return; }
  await poll();
}

function messageUpdate(bot, fields) {
  return {
    update_id: state.nextUpdate++,
    message: Object.assign({ message_id: state.nextMessage++, from: user(bot), chat: chat(bot), date: Math.floor(Date.now() / 1000) }, fields),
  };
}

function showMine(bot, text) {
  const item = document.createElement("li");
  item.className = "message mine";
  item.textContent = text;
  list(bot).appendChild(item);
  list(bot).scrollTop = list(bot).scrollHeight;
}

function list(bot) { return panes[bot].querySelector(".messages"); }

async function sendText(bot, text) {
  if (!text.trim()) return;
  showMine(bot, text);
  await deliver(bot, messageUpdate(bot, { text }));
}

async function shareContact(bot) {
  const person = state.users[bot];
  const phone = "79" + String(person.id).padStart(9, "0").slice(-9);
  showMine(bot, `📱 +${phone}`);
  await deliver(bot, messageUpdate(bot, { contact: { phone_number: phone, first_name: person.first_name, user_id: person.id } }));
}

async function press(bot, messageID, data) {
  await deliver(bot, {
    update_id: state.nextUpdate++,
    callback_query: {
      id: String(state.nextUpdate), from: user(bot), chat_instance: "playground", data,
      message: { message_id: messageID, chat: chat(bot), date: Math.floor(Date.now() / 1000), text: "" },
    },
  });
}

function inlineButtons(bot, messageID, markup) {
  const rows = (markup && markup.inline_keyboard) || [];
  if (!rows.length) return null;
  const box = document.createElement("div");
  box.className = "buttons";
  for (const row of rows) {
    const line = document.createElement("div");
    for (const button of row) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.text;
      element.dataset.callback = button.callback_data;
      element.addEventListener("click", () => press(bot, messageID, button.callback_data));
      line.appendChild(element);
    }
    box.appendChild(line);
  }
  return box;
}

function replyKeyboard(bot, markup) {
  if (!markup) return;
  const box = panes[bot].querySelector(".keyboard");
  if (markup.remove_keyboard) { box.replaceChildren(); return; }
  if (!markup.keyboard) return;
  box.replaceChildren();
  for (const row of markup.keyboard) {
    const line = document.createElement("div");
    for (const button of row) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.text;
      element.addEventListener("click", () => {
        if (button.request_contact) { shareContact(bot); } else { sendText(bot, button.text); }
        if (markup.one_time_keyboard) box.replaceChildren();
      });
      line.appendChild(element);
    }
    box.appendChild(line);
  }
}

function render(call) {
  const bot = call.bot;
  if (call.chat_id !== state.users[bot].id) return;
  const payload = call.payload;
  if (call.method === "sendMessage") {
    const item = document.createElement("li");
    item.className = "message";
    item.dataset.messageId = call.message_id;
    item.textContent = payload.text;
    const buttons = inlineButtons(bot, call.message_id, payload.reply_markup);
    if (buttons) item.appendChild(buttons);
    list(bot).appendChild(item);
    replyKeyboard(bot, payload.reply_markup);
  } else if (call.method === "editMessageText") {
    const item = list(bot).querySelector(`[data-message-id="${payload.message_id}"]`);
    if (!item) return;
    item.textContent = payload.text;
    const buttons = inlineButtons(bot, payload.message_id, payload.reply_markup);
    if (buttons) item.appendChild(buttons);
  }
  list(bot).scrollTop = list(bot).scrollHeight;
}

// Polls run one at a time (the timer and a delivery may both ask), and each call shows once.
let polling = Promise.resolve();
function poll() {
  polling = polling.then(pollOnce, pollOnce);
  return polling;
}

async function pollOnce() {
  const { calls } = await getJSON(`/dev/playground/calls?after=${state.after}`);
  for (const call of calls) {
    if (call.id <= state.after) continue;
    state.after = call.id;
    if (call.method === "answerCallbackQuery" && call.payload.text) toast(call.payload.text);
    render(call);
  }
}

async function chooseGuest(value) {
  if (value === "new") {
    const id = 5000000000 + Math.floor(Math.random() * 900000000);
    state.users.client = { id, first_name: `Guest ${String(id).slice(-3)}`, language_code: "ru" };
  } else {
    const [id, name] = value.split("|");
    state.users.client = { id: Number(id), first_name: name, language_code: "ru" };
  }
  list("client").replaceChildren();
  panes.client.querySelector(".keyboard").replaceChildren();
  await replay();
  await sendText("client", "/start");
  document.getElementById("card-app").removeAttribute("src");
}

// A Mini App in its frame, as the given Telegram user opens it. Opened on request only: the
// card draws a fresh code, which voids the one the chat showed, as in Telegram.
function openApp(frame, page, person) {
  const query = new URLSearchParams({ user: person.id, first_name: person.first_name, lang: person.language_code });
  document.getElementById(frame).src = `/dev/miniapp/${page}?${query}`;
}

// Shows the history of the chosen people from the start of the record.
async function replay() {
  list("staff").replaceChildren();
  list("client").replaceChildren();
  state.after = 0;
  await poll();
}

async function start() {
  state.config = await getJSON("/dev/playground/config");
  const picker = document.getElementById("guest-picker");
  const { guests } = await getJSON("/dev/playground/guests");
  picker.add(new Option("New guest", "new"));
  for (const guest of guests) picker.add(new Option(`${guest.first_name} (${guest.telegram_id})`, `${guest.telegram_id}|${guest.first_name}`));
  picker.addEventListener("change", () => chooseGuest(picker.value));

  for (const bot of ["client", "staff"]) {
    const form = panes[bot].querySelector(".composer");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const input = form.elements.text;
      const text = input.value;
      input.value = "";
      sendText(bot, text);
    });
  }
  document.getElementById("invite").addEventListener("click", async () => {
    const { token } = await getJSON("/dev/playground/invite", { method: "POST" });
    await sendText("staff", `/start ${token}`);
  });
  for (const button of document.querySelectorAll("[data-reload]")) {
    button.addEventListener("click", () => {
      const frame = button.dataset.reload;
      if (frame === "card-app") openApp(frame, "card", state.users.client);
      else openApp(frame, "till", state.users.staff);
    });
  }

  await chooseGuest("new");
  setInterval(poll, 500);
}

start();
