#!/usr/bin/env python3
"""Drives the admin panel in headless Chromium as an owner would: signs in with the demo login,
searches a guest, adjusts their points, issues a gift, replies to a review and creates an API key
(then calls the API with it). Every step asserts on what the page shows. Desktop and 390x844
phone screenshots go to ARTIFACTS.

The panel is read in LANGUAGE (ru, the default for a new account, or en, chosen with the
header's switch after signing in), and every assertion reads that language.

Usage: admin_test.py BASE_URL ARTIFACTS_DIR [ru|en]
"""
import json, os, re, sys, urllib.request
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

base, artifacts = sys.argv[1], sys.argv[2]
language = sys.argv[3] if len(sys.argv) > 3 else "ru"
os.makedirs(artifacts, exist_ok=True)

WORDS = {
    "ru": {
        "who": "owner@crema.local · владелец", "customers": "Гости", "outstanding": "Баллы на счетах",
        "adjust": "Начислить или списать баллы", "adjusted": "Баллы изменены.", "gift issued": "Подарок выдан.",
        "replied": "Ответ отправлен гостю.", "key once": "Скопируйте его сейчас: он показывается только один раз.",
        "orders": "Заказы", "sign in": "Войти",
    },
    "en": {
        "who": "owner@crema.local · owner", "customers": "Customers", "outstanding": "Points outstanding",
        "adjust": "Adjust points", "adjusted": "Points adjusted.", "gift issued": "Gift issued.",
        "replied": "Reply queued to the guest.", "key once": "Copy it now: it is shown only once.",
        "orders": "Orders", "sign in": "Sign in",
    },
}[language]

options = Options()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
wait = WebDriverWait(driver, 15)


def shot(name):
    driver.save_screenshot(os.path.join(artifacts, f"{language}-{name}.png"))


def page_text():
    return driver.execute_script("return document.body ? document.body.innerText : ''")


def expect_text(fragment):
    wait.until(lambda _: fragment in page_text(), f"the page never showed {fragment!r}; it shows:\n{page_text()[:800]}")


def fill(form, name, value):
    field = form.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def gone(element):
    """True once the element left the document (the browser moved to the next page)."""
    def check(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True
    return check


def submit(form):
    """Submits and waits for the next page, so later checks never read the old one."""
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(gone(form))


try:
    # Sign in: the panel sends a stranger to the login page first.
    driver.get(base + "/admin/customers")
    wait.until(lambda d: "/admin/login" in d.current_url)
    expect_text("Войти")
    login = driver.find_element(By.CSS_SELECTOR, "form[action='/admin/login']")
    fill(login, "email", "owner@crema.local")
    fill(login, "password", "crema-demo-2026")
    submit(login)
    expect_text("owner@crema.local · владелец")
    if language == "en":
        # The account's choice: the header's switch, remembered for the next sign-in too.
        switch = driver.find_element(By.CSS_SELECTOR, "form.language button")
        switch.click()
        wait.until(gone(switch))
    expect_text(WORDS["who"])
    expect_text(WORDS["customers"])
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == language

    driver.get(base + "/admin")
    expect_text(WORDS["outstanding"])
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) == 5, "the dashboard should draw five charts"
    shot("desktop-dashboard")

    # Search a guest by part of the name and open the card.
    driver.get(base + "/admin/customers")
    search = driver.find_element(By.CSS_SELECTOR, "form.filters")
    fill(search, "q", "иванов")
    submit(search)
    expect_text("Мария Иванова")
    assert "Алексей" not in page_text(), "the search should leave other guests out"
    shot("desktop-customers-search")
    link = driver.find_element(By.LINK_TEXT, "Мария Иванова")
    link.click()
    wait.until(gone(link))
    expect_text(WORDS["adjust"])

    # Adjust points, with a reason.
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/points']")
    fill(form, "points", "25")
    fill(form, "reason", "Welcome back")
    submit(form)
    expect_text(WORDS["adjusted"])
    balance = driver.find_element(By.CSS_SELECTOR, "dd.big").text
    assert balance == "25", f"the balance should be 25, not {balance}"
    expect_text("Welcome back")

    # Issue a gift.
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/gifts']")
    Select(form.find_element(By.NAME, "catalog_id")).select_by_visible_text("Напиток" if language == "ru" else "Drink")
    fill(form, "reason", "Sorry for the cold coffee")
    submit(form)
    expect_text(WORDS["gift issued"])
    expect_text("Sorry for the cold coffee")
    shot("desktop-customer-card")

    # Reply to the low review through the client bot.
    driver.get(base + "/admin/feedback?status=new")
    expect_text("Кофе остыл")
    review = [a for a in driver.find_elements(By.CSS_SELECTOR, "article.feedback") if "Кофе остыл" in a.text][0]
    review.find_element(By.TAG_NAME, "summary").click()
    reply = review.find_element(By.CSS_SELECTOR, "form[action$='/reply']")
    reply.find_element(By.NAME, "text").send_keys("Простите! Напиток за наш счёт ждёт вас.")
    submit(reply)
    expect_text(WORDS["replied"])
    shot("desktop-feedback")

    # Create an API key: the secret is shown once, and it works.
    driver.get(base + "/admin/api-keys")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/admin/api-keys']")
    fill(form, "name", "POS e2e")
    form.find_element(By.NAME, "scope_analytics:read").click()
    submit(form)
    expect_text(WORDS["key once"])
    key = driver.find_element(By.CSS_SELECTOR, "input.secret").get_attribute("value")
    assert re.fullmatch(r"crema_[0-9a-f]{8}_[A-Za-z0-9_-]+", key), f"unexpected key {key!r}"
    shot("desktop-api-key")
    request = urllib.request.Request(base + "/api/v1/analytics/summary", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        summary = json.load(answer)
    assert answer.status == 200 and "orders" in json.dumps(summary), f"the new key should read analytics: {summary}"
    driver.get(base + "/admin/api-keys")
    assert key not in driver.page_source, "the secret must not be shown again"

    # The same pages on a phone.
    driver.set_window_size(390, 844)
    for path, name in (("/admin", "phone-dashboard"), ("/admin/customers", "phone-customers"), ("/admin/feedback", "phone-feedback")):
        driver.get(base + path)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
        shot(name)
    driver.find_element(By.CSS_SELECTOR, "label.menu-button").click()
    wait.until(lambda d: d.find_element(By.LINK_TEXT, WORDS["orders"]).is_displayed())
    shot("phone-menu")
    print(f"admin ({language}): signed in, searched, adjusted points, issued a gift, replied to a review, created a working API key; "
          f"{len(os.listdir(artifacts))} screenshots in {artifacts}")
except Exception:
    print(f"admin: failed at {driver.current_url}; the page:\n{driver.page_source[:1500]}", file=sys.stderr)
    shot("failure")
    raise
finally:
    driver.quit()
