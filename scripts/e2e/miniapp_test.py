#!/usr/bin/env python3
"""Drives both Mini Apps in headless Chromium, each page with the dev stand-in for
Telegram.WebApp whose init data the server signs with the dev bot's token.

A demo guest opens their card and sees a QR; a real decoder (zbarimg) reads the QR from the
screenshot; the barista's till "scans" that text (the stand-in scanner returns it), types 450 on
the keypad and confirms; the receipt reaches the stand-in Bot API; the guest's card shows the new
balance. Desktop and 360 px screenshots of both apps go to ARTIFACTS.

Usage: miniapp_test.py BASE_URL ARTIFACTS_DIR
"""
import json, os, re, subprocess, sys, time, urllib.parse, urllib.request
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, artifacts = sys.argv[1], sys.argv[2]
os.makedirs(artifacts, exist_ok=True)
BARISTA_ID = 990000001


def call(path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method="POST" if body is not None else "GET",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def bot_calls(after=0):
    return call(f"/dev/playground/calls?after={after}")["calls"]


# A demo guest, and a barista bound through a real invite in the staff bot.
guest = call("/dev/playground/guests")["guests"][0]
token = call("/dev/playground/invite", {})["token"]
call("/dev/playground/deliver/staff", {
    "update_id": 1,
    "message": {"message_id": 1, "date": int(time.time()), "text": f"/start {token}",
                "from": {"id": BARISTA_ID, "is_bot": False, "first_name": "Barista", "language_code": "ru"},
                "chat": {"id": BARISTA_ID, "type": "private", "first_name": "Barista"}},
})
calls_before_sale = max([c["id"] for c in bot_calls()] or [0])

options = Options()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
wait = WebDriverWait(driver, 20)
shots = 0


def shot(name):
    global shots
    shots += 1
    driver.save_screenshot(os.path.join(artifacts, f"{shots:02d}-{name}.png"))


def both_sizes(name):
    driver.set_window_size(1280, 900)
    time.sleep(0.3)
    shot(f"{name}-desktop")
    driver.set_window_size(360, 740)
    time.sleep(0.3)
    shot(f"{name}-360px")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"{name} scrolls sideways at 360 px ({width} px wide)"
    driver.set_window_size(1280, 900)


def visible(element_id):
    return wait.until(lambda d: d.find_element(By.ID, element_id).is_displayed() and d.find_element(By.ID, element_id),
                      f"#{element_id} never showed")


def decode_qr():
    """Reads the QR the card shows with zbarimg, from a screenshot of the element."""
    path = os.path.join(artifacts, "qr.png")
    driver.find_element(By.ID, "qr").screenshot(path)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", path], capture_output=True, text=True)
    assert decoded.returncode == 0, f"zbarimg could not read the QR: {decoded.stderr}"
    return decoded.stdout.strip()


try:
    query = urllib.parse.urlencode({"user": guest["telegram_id"], "first_name": guest["first_name"], "lang": "ru"})
    driver.get(f"{base}/dev/miniapp/card?{query}")
    card_tab = driver.current_window_handle
    wait.until(lambda d: d.find_element(By.ID, "qr").get_attribute("data-qr"), "the card never showed a QR")
    digits = driver.find_element(By.ID, "code-digits").text
    assert re.fullmatch(r"\d{3} \d{3}", digits), digits
    scanned = decode_qr()
    assert scanned == digits.replace(" ", ""), f"QR says {scanned!r}, the digits say {digits!r}"
    balance_before = int(driver.find_element(By.ID, "balance").text)
    assert "Код действует ещё" in driver.find_element(By.ID, "code-timer").text
    both_sizes("guest-card")

    driver.switch_to.new_window("tab")
    query = urllib.parse.urlencode({"user": BARISTA_ID, "first_name": "Barista", "lang": "ru"})
    driver.get(f"{base}/dev/miniapp/till?{query}")
    visible("scan")
    assert "Barista" in driver.find_element(By.ID, "who").text
    both_sizes("till-start")
    driver.execute_script("window.cremaScanResult = arguments[0]", scanned)
    driver.find_element(By.ID, "scan").click()
    visible("step-amount")
    assert guest["first_name"] in driver.find_element(By.ID, "guest").text
    assert "+7" not in driver.find_element(By.ID, "guest").text, "the till must never show the phone"
    for key in "450":
        driver.find_element(By.XPATH, f"//div[@id='keypad']/button[text()='{key}']").click()
    assert driver.find_element(By.ID, "amount").text == "450"
    both_sizes("till-amount")
    driver.find_element(By.ID, "amount-next").click()
    quote = visible("quote")
    wait.until(lambda d: "450" in quote.text, "the quote never showed 450 ₽")
    both_sizes("till-quote")
    confirm = driver.find_element(By.ID, "confirm")
    # A double tap: the quote's token makes one order of both.
    driver.execute_script("arguments[0].click(); arguments[0].disabled = false; arguments[0].click();", confirm)
    done = visible("done")
    wait.until(lambda d: "Продажа проведена" in done.text, "the sale was never confirmed")
    order = re.search(r"№(\d+)", done.text).group(1)
    assert driver.find_element(By.ID, "cancel-sale").is_displayed(), "Cancel is offered within the policy's window"
    both_sizes("till-done")

    def receipt(_):
        for item in bot_calls(calls_before_sale):
            text = item["payload"].get("text", "")
            if item["bot"] == "client" and item["chat_id"] == guest["telegram_id"] and "Спасибо за покупку" in text:
                return text
        return False
    receipt_text = wait.until(receipt, "the receipt never reached the Bot API")
    assert "450" in receipt_text, receipt_text
    balance_after = int(re.search(r"Баланс: (\d+)", receipt_text).group(1))
    assert balance_after > balance_before, (balance_before, balance_after)
    receipts = [c for c in bot_calls(calls_before_sale)
                if c["bot"] == "client" and "Спасибо за покупку" in c["payload"].get("text", "")]
    assert len(receipts) == 1, f"a double tap made {len(receipts)} receipts"

    driver.switch_to.window(card_tab)
    wait.until(lambda d: d.find_element(By.ID, "balance").text == str(balance_after),
               f"the card never showed the new balance {balance_after}")
    both_sizes("guest-card-after-sale")
    print(f"miniapp: QR {scanned} read by zbarimg, till sold 450 ₽ as order №{order} (double tap → one receipt), "
          f"card balance {balance_before} → {balance_after}; {shots} screenshots in {artifacts}")
except Exception:
    shot("failure")
    raise
finally:
    driver.quit()
