// The guest's loyalty card: the payment code as a QR and in digits with a countdown, renewed
// shortly before it expires while the app is in view (a new code voids the old one), and the
// balance, tier, gifts and last operations.
"use strict";
(() => {
  const texts = {
    ru: { loading: "Загружаем карту…", show: "Покажите QR бариста", left: (s) => `Код действует ещё ${s} с`,
      expired: "Код истёк", renew: "Новый код", operations: "Последние операции", none: "Операций пока нет.",
      outside: "Откройте карту из бота в Telegram." },
    en: { loading: "Loading your card…", show: "Show the QR to the barista", left: (s) => `Code valid for ${s} s more`,
      expired: "The code has expired", renew: "New code", operations: "Last operations", none: "No operations yet.",
      outside: "Open the card from the bot in Telegram." },
  };
  const renewBefore = 10; // seconds before expiry
  const refreshEvery = 5000; // the card, while in view
  let say = texts[crema.language()];
  let expiresAt = 0;
  let renewing = false;
  let paused = false;
  const $ = (id) => document.getElementById(id);

  function inView() { return !paused && !document.hidden; }

  function fill(list, lines) {
    list.replaceChildren(...lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
  }

  async function loadCard() {
    const card = await crema.api("/miniapp/api/guest/card");
    say = texts[card.language] || say;
    $("name").textContent = card.name;
    $("tier").textContent = card.tier;
    $("balance").textContent = card.balance;
    $("balance-unit").textContent = card.balance_unit;
    fill($("details"), card.details);
    $("operations-title").textContent = say.operations;
    fill($("operations"), card.operations.length ? card.operations : [say.none]);
    $("renew").textContent = say.renew;
    $("card").hidden = false;
  }

  async function renewCode() {
    if (renewing) return;
    renewing = true;
    try {
      const issued = await crema.api("/miniapp/api/guest/code", {});
      $("qr").innerHTML = issued.qr_svg;
      $("qr").dataset.qr = issued.qr_text;
      $("qr").classList.remove("expired");
      $("code-digits").textContent = issued.display;
      expiresAt = Date.now() + issued.seconds_left * 1000;
      $("renew").hidden = true;
      crema.status(say.show);
      tick();
    } finally {
      renewing = false;
    }
  }

  function tick() {
    const left = Math.ceil((expiresAt - Date.now()) / 1000);
    if (left > 0) {
      $("code-timer").textContent = say.left(left);
    } else {
      $("code-timer").textContent = say.expired;
      $("qr").dataset.qr = "";
      $("qr").classList.add("expired");
      $("renew").hidden = false;
    }
    if (left <= renewBefore && inView()) renewCode().catch(fail);
  }

  function fail(error) {
    crema.status(error.message, true);
  }

  function resume() {
    paused = false;
    if (!document.hidden) {
      tick();
      loadCard().catch(fail);
    }
  }

  async function start() {
    crema.start();
    if (!crema.webApp || !crema.webApp.initData) {
      crema.status(say.outside, true);
      return;
    }
    crema.status(say.loading);
    $("renew").addEventListener("click", () => renewCode().catch(fail));
    document.addEventListener("visibilitychange", resume);
    if (crema.webApp.onEvent) {
      crema.webApp.onEvent("deactivated", () => { paused = true; });
      crema.webApp.onEvent("activated", resume);
    }
    await begin();
  }

  // A guest who has not registered yet (or a moment without network) is retried: the card
  // appears as soon as the bot has them.
  async function begin() {
    try {
      await loadCard();
      await renewCode();
    } catch (error) {
      fail(error);
      if (error.status !== 401) setTimeout(begin, refreshEvery);
      return;
    }
    setInterval(tick, 1000);
    setInterval(() => { if (inView()) loadCard().catch(fail); }, refreshEvery);
  }

  start();
})();
