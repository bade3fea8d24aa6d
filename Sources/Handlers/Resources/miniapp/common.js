// Shared by both Mini Apps: Telegram's WebApp object, its theme, and calls to our API signed
// with the init data (the only login). Nothing here trusts initDataUnsafe.
"use strict";
const crema = (() => {
  const webApp = (window.Telegram && window.Telegram.WebApp) || null;

  function applyTheme() {
    const theme = (webApp && webApp.themeParams) || {};
    const names = { bg_color: "--tg-bg", text_color: "--tg-text", hint_color: "--tg-hint", button_color: "--tg-button",
      button_text_color: "--tg-button-text", secondary_bg_color: "--tg-secondary-bg" };
    for (const [key, variable] of Object.entries(names)) {
      if (theme[key]) document.documentElement.style.setProperty(variable, theme[key]);
    }
  }

  async function api(path, body) {
    const headers = { Authorization: "tma " + ((webApp && webApp.initData) || "") };
    const init = { method: body === undefined ? "GET" : "POST", headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(answer.detail || answer.title || String(response.status));
      error.status = response.status;
      error.code = answer.code;
      throw error;
    }
    return answer;
  }

  function status(text, isError) {
    const element = document.getElementById("status");
    element.textContent = text || "";
    element.classList.toggle("error", Boolean(isError));
  }

  function language() {
    const code = webApp && webApp.initDataUnsafe && webApp.initDataUnsafe.user && webApp.initDataUnsafe.user.language_code;
    return code && !code.startsWith("ru") ? "en" : "ru";
  }

  function haptic(kind) {
    if (webApp && webApp.HapticFeedback && webApp.isVersionAtLeast && webApp.isVersionAtLeast("6.1")) {
      webApp.HapticFeedback.notificationOccurred(kind);
    }
  }

  function start() {
    if (!webApp) return;
    webApp.ready();
    if (webApp.expand) webApp.expand();
    applyTheme();
    if (webApp.onEvent) webApp.onEvent("themeChanged", applyTheme);
  }

  return { webApp, api, status, language, haptic, start };
})();
