#!/usr/bin/env python3
"""Drives the dev playground in headless Chromium: a new guest registers by sharing their
contact and gets a payment code; the barista joins through a real invite link, sells with that
code and confirms; the guest sees the receipt and the new balance. Screenshots go to ARTIFACTS.

Usage: playground_test.py BASE_URL ARTIFACTS_DIR
"""
import os, re, sys, time
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, artifacts = sys.argv[1], sys.argv[2]
os.makedirs(artifacts, exist_ok=True)

options = Options()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
wait = WebDriverWait(driver, 20)
step_number = 0


def shot(name):
    global step_number
    step_number += 1
    driver.save_screenshot(os.path.join(artifacts, f"{step_number:02d}-{name}.png"))


def pane(bot):
    return driver.find_element(By.ID, bot)


def bot_messages(bot):
    return pane(bot).find_elements(By.CSS_SELECTOR, ".messages .message:not(.mine)")


def mark(bot):
    """How many bot messages the pane shows now: later waits look only at newer ones."""
    return len(bot_messages(bot))


def last_message_containing(bot, fragment, after=0):
    def find(_):
        for item in reversed(bot_messages(bot)[after:]):
            if fragment in item.text:
                return item
        return False
    return wait.until(find, f"no {bot} message containing {fragment!r}")


def edited_to(message, fragment):
    wait.until(lambda _: fragment in message.text, f"the message never showed {fragment!r}")


def click_keyboard(bot, label):
    def find(_):
        for button in pane(bot).find_elements(By.CSS_SELECTOR, ".keyboard button"):
            if button.text.strip() == label:
                return button
        return False
    wait.until(find, f"no {bot} keyboard button {label!r}").click()


def click_inline(message, label):
    for button in message.find_elements(By.CSS_SELECTOR, ".buttons button"):
        if label in button.text:
            button.click()
            return
    raise AssertionError(f"no inline button {label!r} in {message.text!r}")


def type_into(bot, text):
    field = pane(bot).find_element(By.CSS_SELECTOR, ".composer input")
    field.send_keys(text)
    pane(bot).find_element(By.CSS_SELECTOR, ".composer button").click()


try:
    driver.get(f"{base}/dev/playground")
    last_message_containing("client", "Здравствуйте")
    shot("guest-greeted")

    seen = mark("client")
    click_keyboard("client", "📱 Поделиться номером")
    registered = last_message_containing("client", "вы в программе", seen)
    seen = mark("client")
    click_inline(registered, "Пропустить")
    last_message_containing("client", "дату рождения можно указать позже", seen)
    shot("guest-registered")

    seen = mark("client")
    click_keyboard("client", "🔢 Код оплаты")
    code_message = last_message_containing("client", "Ваш код оплаты", seen)
    code = re.search(r"(\d{3}) (\d{3})", code_message.text).group(0)
    shot("guest-code")

    seen = mark("staff")
    driver.find_element(By.ID, "invite").click()
    last_message_containing("staff", "Вы подключены как менеджер", seen)
    seen = mark("staff")
    type_into("staff", code)
    last_message_containing("staff", "Введите сумму заказа", seen)
    seen = mark("staff")
    type_into("staff", "350")
    quote = last_message_containing("staff", "Уровень после", seen)
    shot("barista-quote")
    guest_seen = mark("client")
    click_inline(quote, "Подтвердить")
    edited_to(quote, "Продажа проведена")
    shot("barista-confirmed")

    receipt = last_message_containing("client", "Спасибо за покупку!", guest_seen)
    assert "Начислено баллов: 3" in receipt.text, receipt.text
    assert "Баланс: 3 балла" in receipt.text, receipt.text
    seen = mark("client")
    click_keyboard("client", "👤 Профиль")
    profile = last_message_containing("client", "До уровня «Серебро»", seen)
    assert "Баланс: 3 балла" in profile.text, profile.text
    shot("guest-receipt-and-balance")

    # The Mini Apps beside the chats: the card shows the balance and a QR; the till's Scan reads
    # the QR beside it and opens that guest's sale.
    driver.find_element(By.CSS_SELECTOR, "[data-reload='card-app']").click()
    driver.find_element(By.CSS_SELECTOR, "[data-reload='till-app']").click()
    driver.switch_to.frame("card-app")
    wait.until(lambda d: d.find_element(By.ID, "balance").text == "3", "the card app never showed the balance 3")
    wait.until(lambda d: d.find_element(By.ID, "qr").get_attribute("data-qr"), "the card app never showed a QR")
    driver.switch_to.default_content()
    driver.switch_to.frame("till-app")
    wait.until(lambda d: d.find_element(By.ID, "scan").is_displayed(), "the till app never offered Scan")
    driver.find_element(By.ID, "scan").click()
    wait.until(lambda d: d.find_element(By.ID, "step-amount").is_displayed(), "Scan never opened the guest's sale")
    assert "Баланс: 3 балла" in driver.find_element(By.ID, "guest").text, driver.find_element(By.ID, "guest").text
    driver.switch_to.default_content()
    shot("mini-apps-beside-the-chats")
    print(f"playground: guest registered, code {code}, barista sold 350 ₽, receipt and balance 3 shown, both Mini Apps beside the chats; {step_number} screenshots in {artifacts}")
except Exception:
    shot("failure")
    raise
finally:
    driver.quit()
