// The barista's till: scan (Telegram's QR scanner) or type the code → the guest's card → the
// amount on a keypad → points and gifts → the quote → Confirm → the order and, within the
// policy's window, Cancel. Every rule is the server's (the staff bot's), this page only asks.
"use strict";
(() => {
  const texts = {
    ru: { scan: "📷 Сканировать QR", go: "Найти", scanPrompt: "Наведите камеру на QR гостя", amount: "Сумма заказа, ₽",
      next: "Далее", drop: "✖️ Отмена", none: "Без списания", max: (n) => `Списать ${n}`, enter: "Ввести…",
      confirm: "Подтвердить", back: "← Сумма", cancelSale: "Отменить продажу", nextSale: "Следующий гость",
      cancelAsk: "Отменить эту продажу? Баллы вернутся как были.", outside: "Откройте кассу из бота сотрудников в Telegram.",
      codeTyped: "Введите 6-значный код гостя или отсканируйте QR.", gift: (name, on) => `${on ? "✅" : "🎁"} ${name}` },
    en: { scan: "📷 Scan QR", go: "Find", scanPrompt: "Point the camera at the guest's QR", amount: "Order amount, ₽",
      next: "Next", drop: "✖️ Cancel", none: "No points", max: (n) => `Redeem ${n}`, enter: "Enter…",
      confirm: "Confirm", back: "← Amount", cancelSale: "Cancel this sale", nextSale: "Next guest",
      cancelAsk: "Cancel this sale? Points go back as they were.", outside: "Open the till from the staff bot in Telegram.",
      codeTyped: "Type the guest's 6-digit code or scan the QR.", gift: (name, on) => `${on ? "✅" : "🎁"} ${name}` },
  };
  let say = texts[crema.language()];
  let sale = null; // { code, amount, redeem, giftIds, card, quote, order }
  let cancelTimer = null;
  const $ = (id) => document.getElementById(id);

  function show(step) {
    for (const id of ["step-code", "step-amount", "step-quote", "step-done"]) $(id).hidden = id !== step;
  }

  function fail(error) {
    crema.status(error.message, true);
    crema.haptic("error");
  }

  function button(label, onClick, pressed) {
    const element = Object.assign(document.createElement("button"), { type: "button", textContent: label });
    if (pressed !== undefined) element.setAttribute("aria-pressed", String(pressed));
    element.addEventListener("click", onClick);
    return element;
  }

  function codeIn(text) {
    const digits = String(text || "").replace(/\D/g, "");
    return digits.length === 6 ? digits : null;
  }

  async function lookUp(text) {
    const code = codeIn(text);
    if (!code) return crema.status(say.codeTyped, true);
    if (sale) await release();
    const card = await crema.api("/miniapp/api/till/lookup", { code });
    sale = { code, amount: "", redeem: "none", giftIds: [], card };
    $("guest").textContent = card.text;
    $("quote-guest").textContent = `${card.first_name} · ${card.tier} · ${card.balance}`;
    renderAmount();
    crema.status("");
    show("step-amount");
  }

  function scan() {
    const webApp = crema.webApp;
    if (!webApp || !webApp.showScanQrPopup || !webApp.isVersionAtLeast("6.4")) {
      $("code-input").focus();
      return crema.status(say.codeTyped);
    }
    webApp.showScanQrPopup({ text: say.scanPrompt }, (text) => {
      if (!codeIn(text)) return false;
      lookUp(text).catch(fail);
      return true;
    });
  }

  function renderAmount() {
    $("amount").textContent = sale.amount || "0";
    $("amount-next").disabled = !sale.amount;
  }

  function press(key) {
    if (key === "⌫") sale.amount = sale.amount.slice(0, -1);
    else if (key === ",") { if (!sale.amount.includes(",")) sale.amount = (sale.amount || "0") + ","; }
    else if (!/,\d\d$/.test(sale.amount) && sale.amount.length < 9) sale.amount = sale.amount === "0" ? key : sale.amount + key;
    renderAmount();
  }

  async function requote() {
    const quote = await crema.api("/miniapp/api/till/quote", body());
    sale.quote = quote;
    $("quote").textContent = quote.text;
    const redeem = $("redeem");
    redeem.replaceChildren(button(say.none, () => choose("none"), sale.redeem === "none"));
    if (quote.max_redeemable > 0) {
      redeem.append(
        button(say.max(quote.max_redeemable), () => choose("max"), sale.redeem === "max"),
        button(say.enter, () => { $("points-form").hidden = false; $("points-input").focus(); }, /^\d+$/.test(sale.redeem)));
    }
    $("gifts").replaceChildren(...sale.card.gifts.map((gift) => {
      const on = sale.giftIds.includes(gift.id);
      return button(say.gift(`${gift.name} · ${gift.until}`, on), () => toggleGift(gift.id), on);
    }));
    crema.status("");
  }

  function body() {
    return { code: sale.code, amount: sale.amount, redeem: sale.redeem, gift_ids: sale.giftIds };
  }

  function choose(redeem) {
    sale.redeem = redeem;
    $("points-form").hidden = true;
    requote().catch(fail);
  }

  function toggleGift(id) {
    sale.giftIds = sale.giftIds.includes(id) ? sale.giftIds.filter((g) => g !== id) : sale.giftIds.concat([id]);
    requote().catch(fail);
  }

  async function confirm() {
    $("confirm").disabled = true;
    try {
      // The quote's token goes with every retry of this Confirm: the server makes one order of them.
      const done = await crema.api("/miniapp/api/till/confirm", { ...body(), confirm_token: sale.quote.confirm_token });
      sale.order = done;
      $("done").textContent = done.text;
      crema.haptic("success");
      armCancel(done.cancel_any_time ? null : done.cancel_until, done.cancel_any_time);
      show("step-done");
    } finally {
      $("confirm").disabled = false;
    }
  }

  function armCancel(until, always) {
    const left = always ? Infinity : until ? new Date(until).getTime() - Date.now() : 0;
    $("cancel-sale").hidden = left <= 0;
    clearTimeout(cancelTimer);
    if (left > 0 && left !== Infinity) cancelTimer = setTimeout(() => { $("cancel-sale").hidden = true; }, left);
  }

  async function cancelSale() {
    const go = await new Promise((resolve) => {
      const webApp = crema.webApp;
      if (webApp && webApp.showConfirm && webApp.isVersionAtLeast("6.2")) webApp.showConfirm(say.cancelAsk, resolve);
      else resolve(window.confirm(say.cancelAsk));
    });
    if (!go) return;
    const done = await crema.api("/miniapp/api/till/cancel", { order_id: sale.order.order_id });
    $("done").textContent = done.text;
    $("cancel-sale").hidden = true;
  }

  async function release() {
    const code = sale && !sale.order ? sale.code : null;
    sale = null;
    if (code) await crema.api("/miniapp/api/till/release", { code }).catch(() => {});
  }

  async function restart() {
    await release();
    $("code-input").value = "";
    crema.status("");
    show("step-code");
  }

  async function start() {
    crema.start();
    if (!crema.webApp || !crema.webApp.initData) return crema.status(say.outside, true);
    let me;
    try {
      me = await crema.api("/miniapp/api/till/me");
    } catch (error) {
      return fail(error);
    }
    say = texts[me.language] || say;
    $("who").textContent = `${me.name} · ${me.role}`;
    $("scan").textContent = say.scan;
    $("code-go").textContent = say.go;
    $("amount-label").textContent = say.amount;
    $("amount-next").textContent = say.next;
    $("drop").textContent = say.drop;
    $("confirm").textContent = say.confirm;
    $("back").textContent = say.back;
    $("cancel-sale").textContent = say.cancelSale;
    $("next").textContent = say.nextSale;
    $("keypad").replaceChildren(...["1", "2", "3", "4", "5", "6", "7", "8", "9", ",", "0", "⌫"].map((key) => button(key, () => press(key))));
    $("scan").addEventListener("click", scan);
    $("code-form").addEventListener("submit", (event) => { event.preventDefault(); lookUp($("code-input").value).catch(fail); });
    $("drop").addEventListener("click", () => restart().catch(fail));
    $("amount-next").addEventListener("click", () => {
      sale.redeem = "none";
      sale.giftIds = [];
      requote().then(() => show("step-quote")).catch(fail);
    });
    $("points-form").addEventListener("submit", (event) => {
      event.preventDefault();
      choose(String(parseInt($("points-input").value, 10) || 0));
    });
    $("back").addEventListener("click", () => show("step-amount"));
    $("confirm").addEventListener("click", () => confirm().catch(fail));
    $("cancel-sale").addEventListener("click", () => cancelSale().catch(fail));
    $("next").addEventListener("click", () => restart().then(scan).catch(fail));
    show("step-code");
  }

  start();
})();
