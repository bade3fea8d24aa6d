import CremaTestSupport
import Domain
import Foundation
import HummingbirdTesting
import Logging
import Runtime
import Store
import Testing

/// The staff bot through its real webhook: access by invite, the sale at the till, gifts,
/// cancellations, history and the wrong-code throttle.
@Suite struct StaffBotTests {
    func withStaffBot<Result: Sendable>(
        _ body: @Sendable (TestApp, LoyaltyFixture, StaffDesk) async throws -> Result
    ) async throws -> Result {
        try await StaffDesk.with(body)
    }

    @Test func anInviteBindsOnceAndUsedExpiredOrUnknownLinksAreRefused() async throws {
        try await withStaffBot { app, fixture, desk in
            try await desk.createInvite("inv_valid", role: .barista)
            let oleg = desk.user(500, "Олег")
            let bound = try await oleg.send(text: "/start inv_valid")
            #expect(bound.text == "Здравствуйте, Олег! Вы подключены как бариста. Введите код гостя, чтобы провести продажу.")
            #expect(bound.keyboardButtons == ["🧾 Продажа", "🎁 Подарок", "↩️ Отмена продажи", "📋 История за сегодня"])
            #expect(try await fixture.count("SELECT count(*)::int FROM staff WHERE telegram_id = 500 AND role = 'barista' AND active") == 1)

            let anna = desk.user(501, "Анна")
            #expect(try await anna.send(text: "/start inv_valid").text?.hasPrefix("Эта ссылка-приглашение уже использована") == true)
            try await desk.createInvite("inv_old", role: .manager, expiresIn: -1)
            #expect(try await anna.send(text: "/start inv_old").text?.hasPrefix("Срок действия ссылки-приглашения истёк") == true)
            #expect(try await anna.send(text: "/start inv_nonsense").text?.hasPrefix("Ссылка-приглашение не найдена") == true)
            #expect(try await fixture.count("SELECT count(*)::int FROM staff") == 1)
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM staff_invites WHERE token_hash = sha256('inv_valid'::bytea) AND used_at IS NOT NULL") == 1)
        }
    }

    @Test func strangersAndADeactivatedBaristaGetOnePoliteRefusal() async throws {
        try await withStaffBot { app, fixture, desk in
            let stranger = desk.user(600, "Ник", language: "en")
            let refusal = try await stranger.send(text: "123456")
            #expect(refusal.text == "This bot is for café staff only. To join, ask an administrator for an invite link.")
            let barista = try await desk.bind(.barista, userID: 500)
            _ = try await fixture.count("UPDATE staff SET active = false, deactivated_at = now() WHERE telegram_id = 500 RETURNING 1")
            let next = try await barista.send(text: "🧾 Продажа")
            #expect(next.text?.hasPrefix("Этот бот только для сотрудников кофейни") == true)
            let press = try await barista.press("sx")
            #expect(press.method == "answerCallbackQuery")
        }
    }

    @Test func aSaleWithoutPointsTakesTheAmountAndOneConfirm() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code

            let card = try await barista.send(text: String(code.digits.prefix(3)) + "-" + String(code.digits.suffix(3)))
            let cardText = try #require(card.text)
            #expect(cardText.hasPrefix("Гость: Мария\nУровень: Стандарт\nБаланс: 0 баллов"))
            #expect(!cardText.contains("+7900") && !cardText.contains("Дата рождения"))
            #expect(cardText.hasSuffix("Введите сумму заказа, например 350 или 350,50."))

            let quote = try await barista.send(text: "350,50")
            #expect(quote.text == "Заказ: 350,50 ₽\nК оплате: 350,50 ₽\nНачислится: 3 балла\nУровень после покупки: Стандарт")
            let confirm = try #require(quote.inlineData.first)
            #expect(confirm.hasPrefix("sc:"))

            let done = try await barista.press(confirm, messageID: 77)
            #expect(done.method == "answerCallbackQuery")
            let orderID = try await fixture.count("SELECT id::int FROM orders")
            let edit = try #require(try await OutboxRows(app.database).all().last { $0.bot == "staff" })
            #expect(edit.method == "editMessageText" && edit.payload["message_id"] as? Int == 77)
            #expect(edit.payload["text"] as? String == "✅ Продажа проведена. Заказ №\(orderID). К оплате: 350,50 ₽. Чек отправлен гостю.")
            #expect(try await fixture.count("SELECT count(*)::int FROM orders WHERE amount_kopecks = 35050 AND staff_id IS NOT NULL") == 1)
            #expect(
                try await OutboxRows(app.database).all().contains {
                    $0.bot == "client" && $0.payload["template"] as? String == "sale_receipt"
                })
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func aSaleRedeemsTheMaximumAndUsesAGift() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let actor = try await fixture.staff(.manager)
            try await fixture.sell(to: maria, rubles: 20_000, by: actor)  // 200 points
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })
            let gift = try await fixture.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "welcome", by: actor, at: TestDefaults.now)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code

            try await barista.send(text: code.digits)
            let choice = try await barista.send(text: "500")
            #expect(choice.text == "Сумма 500 ₽. Списать баллы? Доступно до 150 баллов.")
            #expect(choice.inlineData == ["rd:none", "rd:max", "rd:enter", "gt:\(gift.id)", "sx"])
            try await barista.press("gt:\(gift.id)", messageID: 80)
            try await barista.press("rd:max", messageID: 80)
            let quote = try #require(try await OutboxRows(app.database).all().last { $0.bot == "staff" })
            #expect(
                quote.payload["text"] as? String
                    == "Заказ: 500 ₽\nСписание: 150 баллов\nК оплате: 350 ₽\nБаллы не начисляются (есть списание)\nПодарки: Напиток\nУровень после покупки: Серебро"
            )
            let confirm = try #require(
                ((quote.payload["reply_markup"] as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]])?.first?.first?[
                    "callback_data"] as? String)
            try await barista.press(confirm, messageID: 80)
            #expect(try await fixture.count("SELECT count(*)::int FROM orders WHERE points_redeemed = 150 AND amount_kopecks = 50000") == 1)
            #expect(
                try await fixture.count("SELECT count(*)::int FROM gift_redemptions WHERE gift_id = \(gift.id) AND order_id IS NOT NULL")
                    == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func aDoubleTapOrARedeliveredConfirmMakesOneOrder() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            try await barista.send(text: code.digits)
            let confirm = try #require(try await barista.send(text: "420").inlineData.first)
            let tap = try JSONSerialization.data(withJSONObject: barista.callbackUpdate(confirm, messageID: 90))
            let answers = try await withThrowingTaskGroup(of: BotAnswer.self) { group in
                for _ in 0..<3 { group.addTask { try await barista.press(confirm, messageID: 90) } }
                group.addTask { try await barista.post(raw: tap) }
                group.addTask { try await barista.post(raw: tap) }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 })
            #expect(answers.filter { $0.json["text"] as? String == "Готово" }.count == 4)
            #expect(try await fixture.count("SELECT count(*)::int FROM orders") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM outbox WHERE bot = 'client'") == 1)
        }
    }

    @Test func wrongAmountsAreExplainedAndTheStepWaits() async throws {
        try await withStaffBot { _, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            try await barista.send(text: code.digits)
            #expect(try await barista.send(text: "abc").text == "Не понял сумму. Введите число, например 350 или 350,50.")
            #expect(try await barista.send(text: "-5").text == "Не понял сумму. Введите число, например 350 или 350,50.")
            #expect(try await barista.send(text: "0").text == "Сумма должна быть больше нуля.")
            #expect(try await barista.send(text: "150000").text == "Сумма больше допустимой (100\u{202F}000 ₽). Проверьте и введите снова.")
            #expect(try await barista.send(text: "99 руб.").text?.hasPrefix("Заказ: 99 ₽") == true)
        }
    }

    @Test func fiveWrongCodesInAMinuteSlowTheBaristaDown() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let wrong = code.digits == "000000" ? "000001" : "000000"
            for _ in 0..<5 {
                #expect(try await barista.send(text: wrong).text == "Код не найден. Попросите гостя открыть «Код оплаты» ещё раз.")
            }
            let slowed = try await barista.send(text: code.digits)
            #expect(slowed.text?.hasPrefix("Слишком много неверных кодов. Подождите") == true)
            app.clock.advance(by: 61)
            let code2 = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            #expect(try await barista.send(text: code2.digits).text?.hasPrefix("Гость: Мария") == true)
        }
    }

    @Test func aLiveCodeTypedMidSaleStartsTheNextGuestsSaleAndAnAmountStaysAnAmount() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let petr = try await fixture.guest(222_222_222, name: "Пётр")
            let first = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            let second = try await fixture.store.issueCode(customerID: petr.id, at: app.clock.now).code
            #expect(try await barista.send(text: first.digits).text?.hasPrefix("Гость: Мария") == true)

            // Six digits that are no live code stay an amount, and a too-large one is said so.
            let notACode = ["150000", "999999"].first { $0 != first.digits && $0 != second.digits }!
            #expect(try await barista.send(text: notACode).text?.hasPrefix("Сумма больше допустимой") == true)

            let next = try #require(try await barista.send(text: second.digits).text)
            #expect(next.hasPrefix("↪️ Предыдущая продажа не проведена, ничего не списано. Новый гость:\n\nГость: Пётр"))
            #expect(next.hasSuffix("Введите сумму заказа, например 350 или 350,50."))
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM payment_codes WHERE held_by_staff_id IS NOT NULL AND customer_id = \(maria.id)")
                    == 0)
            let quote = try await barista.send(text: "350")
            #expect(quote.text?.hasPrefix("Заказ: 350 ₽") == true)
            try await barista.press(try #require(quote.inlineData.first))
            #expect(try await fixture.count("SELECT count(*)::int FROM orders WHERE customer_id = \(petr.id)") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM orders WHERE customer_id = \(maria.id)") == 0)

            // A code typed while a reason is awaited starts a sale too; the gift is not given.
            let third = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            try await barista.send(text: "🎁 Подарок")
            try await barista.send(text: third.digits)
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })
            #expect(try await barista.press("gi:\(drink.id)").status == 200)
            let fourth = try await fixture.store.issueCode(customerID: petr.id, at: app.clock.now).code
            let dropped = try #require(try await barista.send(text: fourth.digits).text)
            #expect(dropped.hasPrefix("↪️ Предыдущее действие отменено. Новый гость:\n\nГость: Пётр"))
            #expect(try await fixture.count("SELECT count(*)::int FROM customer_gifts") == 0)
        }
    }

    @Test func aLookedUpCodeStaysGoodForThatBaristaOnlyForFiveMinutes() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let other = try await desk.bind(.barista, userID: 501)
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            #expect(try await barista.send(text: code.digits).text?.hasPrefix("Гость: Мария") == true)

            let elsewhere = try await other.send(text: code.digits).text
            #expect(elsewhere?.hasPrefix("Этот код сейчас открыт на другой кассе.") == true)
            app.clock.advance(by: 100)  // past the code's own 90 s
            #expect(try await other.send(text: code.digits).text?.hasPrefix("Этот код сейчас открыт на другой кассе.") == true)
            // Typed again by its barista past those 90 s, the code stays theirs and the sale goes on.
            let again = try #require(try await barista.send(text: code.digits).text)
            #expect(again.hasPrefix("↪️ Предыдущая продажа не проведена, ничего не списано. Новый гость:\n\nГость: Мария"))
            #expect(try await other.send(text: code.digits).text?.hasPrefix("Этот код сейчас открыт на другой кассе.") == true)

            let quote = try await barista.send(text: "420")
            #expect(quote.text?.hasPrefix("Заказ: 420 ₽") == true)
            try await barista.press(try #require(quote.inlineData.first))
            #expect(try await fixture.count("SELECT count(*)::int FROM orders WHERE amount_kopecks = 42000") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM payment_codes") == 0)

            // Five minutes after the look-up the hold is gone with the code's own lifetime.
            let late = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            try await barista.send(text: late.digits)
            app.clock.advance(by: 5 * 60 + 1)
            #expect(try await barista.send(text: "300").text == "Код устарел. Попросите гостя нажать «🔄 Новый код».")

            // A dropped draft lets go at once: another till may use a code still inside its 90 s.
            let fresh = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            try await barista.send(text: fresh.digits)
            try await barista.press("sx")
            #expect(try await other.send(text: fresh.digits).text?.hasPrefix("Гость: Мария") == true)
        }
    }

    @Test func cancellingRespectsTheWindowAndTheRole() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let manager = try await desk.bind(.manager, userID: 700)
            let maria = try await fixture.guest()
            let first = try await desk.sell(by: barista, to: maria, amount: "300")
            let second = try await desk.sell(by: barista, to: maria, amount: "200")

            let list = try await barista.send(text: "↩️ Отмена продажи")
            #expect(list.text == "Какую продажу отменить? Выберите из последних или введите номер заказа.")
            #expect(list.inlineData == ["cx:\(second)", "cx:\(first)", "sx"])
            try await barista.press("cx:\(second)")
            let cancelled = try await barista.send(text: "Ошибка суммы")
            #expect(cancelled.text == "Заказ №\(second) отменён. Гостю отправлено уведомление.")
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM order_cancellations WHERE order_id = \(second) AND reason = 'Ошибка суммы'") == 1)
            #expect(try await OutboxRows(app.database).all().contains { $0.payload["template"] as? String == "sale_cancelled" })

            app.clock.advance(by: 11 * 60)
            #expect(try await barista.send(text: "↩️ Отмена продажи").text == "Нет продаж, которые можно отменить.")
            try await barista.press("cx:\(first)")
            #expect(try await barista.send(text: "поздно").text == "Время на отмену прошло. Обратитесь к менеджеру.")
            try await manager.press("cx:\(first)")
            #expect(try await manager.send(text: "по просьбе гостя").text == "Заказ №\(first) отменён. Гостю отправлено уведомление.")
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func giftsAreGivenWithAReasonAndRedeemedOnTheirOwn() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })

            try await barista.send(text: "🎁 Подарок")
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let card = try await barista.send(text: code.digits)
            #expect(card.inlineData.contains("gi:\(drink.id)"))
            try await barista.press("gi:\(drink.id)")
            let issued = try await barista.send(text: "Извинение за ожидание")
            #expect(issued.text == "Подарок выдан: Напиток, действует до 25.12.2026. Гостю отправлено уведомление.")
            let giftID = try await fixture.count("SELECT id::int FROM customer_gifts WHERE reason = 'Извинение за ожидание'")

            try await barista.send(text: "🎁 Подарок")
            let again = try await barista.send(text: code.digits)
            #expect(again.inlineData.contains("gr:\(giftID)"))
            let redeemed = try await barista.press("gr:\(giftID)")
            #expect(redeemed.json["text"] as? String == "Готово")
            #expect(
                try await fixture.count("SELECT count(*)::int FROM gift_redemptions WHERE gift_id = \(giftID) AND order_id IS NULL") == 1)
            let stale = try await barista.press("gr:\(giftID)")
            #expect(stale.json["text"] as? String == "Эта кнопка устарела.")
        }
    }

    @Test func historyShowsTodaysSalesWithTotals() async throws {
        try await withStaffBot { _, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let manager = try await desk.bind(.manager, userID: 700)
            let maria = try await fixture.guest()
            let first = try await desk.sell(by: barista, to: maria, amount: "300")
            let second = try await desk.sell(by: manager, to: maria, amount: "200")
            let own = try await barista.send(text: "📋 История за сегодня")
            #expect(
                own.text
                    == "Ваши продажи сегодня:\n09:00 №\(first) Мария 300 ₽ +3\nИтого: 1 продажа на 300 ₽, оплачено 300 ₽, списано 0 баллов, начислено 3 балла"
            )
            let location = try await manager.send(text: "📋 Моя история")
            #expect(location.text?.contains("№\(second) Мария 200 ₽ +2") == true)
            #expect(location.text?.hasSuffix("Итого: 2 продажи на 500 ₽, оплачено 500 ₽, списано 0 баллов, начислено 5 баллов") == true)
        }
    }

    @Test func theDaysTotalsCoverEverySaleEvenWhenOneMessageListsOnlyTheLatest() async throws {
        try await withStaffBot { app, fixture, desk in
            let manager = try await desk.bind(.manager, userID: 700)
            let till = try await fixture.staff(.barista, name: "Касса")
            let maria = try await fixture.guest()
            var cancelled: Int64 = 0
            for number in 1...32 {
                let sale = try await fixture.sell(to: maria, rubles: 100, by: till, at: app.clock.now)
                if number == 1 { cancelled = sale.orderID }
            }
            _ = try await fixture.store.cancelSale(orderID: cancelled, by: .admin(id: "1"), reason: "test", at: app.clock.now)
            // The button's former label, still on keyboards opened before it was renamed.
            let history = try #require(try await manager.send(text: "📋 Моя история").text)
            let listed = history.split(separator: "\n").filter { $0.contains("Мария 100 ₽") && !$0.contains(" — ") }
            #expect(listed.count == 30)
            #expect(history.contains("Показаны последние 30 из 32."))
            #expect(history.contains("Итого: 31 продажа на 3\u{202F}100 ₽, оплачено 3\u{202F}100 ₽, списано 0 баллов, начислено 31 балл"))
            #expect(history.hasSuffix("↩️ Отмены: 1\n09:00 №\(cancelled) Мария 100 ₽ — test"))
        }
    }

    @Test func historyListsTheDaysGiftsGivenAndRedeemedAndItsCancellations() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let manager = try await desk.bind(.manager, userID: 700)
            let maria = try await fixture.guest()
            let petr = try await fixture.guest(222_222_222, name: "Пётр")
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })

            try await barista.send(text: "🎁 Подарок")
            try await barista.send(text: try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code.digits)
            try await barista.press("gi:\(drink.id)")
            #expect(try await barista.send(text: "за ожидание").text?.hasPrefix("Подарок выдан: Напиток") == true)
            let given = try #require(try await fixture.store.activeGifts(customerID: maria.id, at: app.clock.now).first)
            app.clock.advance(by: 60)
            try await barista.send(text: "🎁 Подарок")
            try await barista.send(text: try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code.digits)
            #expect(try await barista.press("gr:\(given.id)").status == 200)
            app.clock.advance(by: 60)
            let sale = try await desk.sell(by: barista, to: petr, amount: "250")
            try await manager.send(text: "↩️ Отмена продажи")
            try await manager.press("cx:\(sale)")
            try await manager.send(text: "гость передумал")

            let own = try #require(try await barista.send(text: "📋 История за сегодня").text)
            #expect(
                own == """
                    Ваши продажи сегодня:
                    09:02 №\(sale) Пётр 250 ₽ +2 (отменён)
                    Итого: 0 продаж на 0 ₽, оплачено 0 ₽, списано 0 баллов, начислено 0 баллов

                    🎁 Подарки: выдано 1, списано 1
                    09:00 выдали: Напиток — Мария (за ожидание)
                    09:01 списали: Напиток — Мария

                    ↩️ Отмены: 1
                    09:02 №\(sale) Пётр 250 ₽ — гость передумал
                    """)
            let location = try #require(try await manager.send(text: "📋 История за сегодня").text)
            #expect(location.contains("🎁 Подарки: выдано 1, списано 1") && location.contains("↩️ Отмены: 1"))
        }
    }

    @Test func aManagerFindsAndCancelsAnOlderSaleOfTheirLocationByNumberOnly() async throws {
        try await withStaffBot { app, fixture, desk in
            let manager = try await desk.bind(.manager, userID: 700)
            let maria = try await fixture.guest()
            let till = try await fixture.staff(.barista, name: "Касса")
            let lastWeek = try await fixture.sell(to: maria, rubles: 300, by: till, at: app.clock.now.addingTimeInterval(-7 * 86_400))
            let otherLocation = try await fixture.count("INSERT INTO locations (slug, name) VALUES ('north', 'North') RETURNING id::int")
            let northCode = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            let elsewhere = try await fixture.store.confirmSale(
                SaleRequest(idempotencyKey: "north-1", guest: .code(northCode), amount: .rubles(100), redeem: .none),
                by: .admin(id: "1"), locationID: Int64(otherLocation), at: app.clock.now
            ).orderID

            let list = try await manager.send(text: "↩️ Отмена продажи")
            #expect(list.text == "Сегодня продаж нет. Чтобы отменить более раннюю, введите номер заказа.")
            #expect(try await manager.send(text: "вчерашний").text == "Введите номер заказа, например 123.")
            #expect(
                try await manager.send(text: "№\(elsewhere)").text == "Заказ №\(elsewhere) не найден среди продаж вашей кофейни.")
            let found = try #require(try await manager.send(text: "№ \(lastWeek.orderID)").text)
            #expect(
                found == "№\(lastWeek.orderID) · 18.11.2026 09:00 · Мария · 300 ₽\nОтмена заказа №\(lastWeek.orderID). Напишите причину.")
            #expect(
                try await manager.send(text: "двойное списание").text
                    == "Заказ №\(lastWeek.orderID) отменён. Гостю отправлено уведомление.")
            #expect(try await fixture.count("SELECT count(*)::int FROM order_cancellations") == 1)

            // A forged button for another location's sale is refused by the policy itself.
            try await manager.press("cx:\(elsewhere)")
            #expect(
                try await manager.send(text: "попытка").text == "Это продажа другой кофейни: отменить её может её менеджер.")
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func aManagerRefundsPartOfAnOrderAndTheGuestIsTold() async throws {
        try await withStaffBot { app, fixture, desk in
            let manager = try await desk.bind(.manager, userID: 700)
            let maria = try await fixture.guest()
            let till = try await fixture.staff(.barista, name: "Касса")
            let sale = try await fixture.sell(to: maria, rubles: 450, by: till, at: app.clock.now)  // 4 points

            try await manager.send(text: "↩️ Отмена продажи")
            let found = try await manager.send(text: "\(sale.orderID)")
            #expect(found.inlineData == ["rf:\(sale.orderID)", "sx"])
            #expect(try await manager.press("rf:\(sale.orderID)").method == "answerCallbackQuery")
            let asked = try #require(try await OutboxRows(app.database).all().last { $0.bot == "staff" })
            #expect(asked.payload["text"] as? String == "Возврат по заказу №\(sale.orderID). Какую сумму вернуть? Например, 150.")
            #expect(try await manager.send(text: "ноль").text == "Не понял сумму. Введите число, например 350 или 350,50.")
            #expect(
                try await manager.send(text: "250").text
                    == "Возврат 250 ₽ по заказу №\(sale.orderID). Напишите причину, например «вернули капучино».")
            #expect(
                try await manager.send(text: "вернули чизкейк").text
                    == "Возврат 250 ₽ по заказу №\(sale.orderID) оформлен.\nСписано начисленных баллов: 2.\nГостю отправлено уведомление.")
            #expect(try await fixture.count("SELECT count(*)::int FROM order_refunds WHERE reason = 'вернули чизкейк'") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM outbox WHERE payload->>'template' = 'sale_refunded'") == 1)

            // What is left is the most that can be refunded.
            try await manager.press("rf:\(sale.orderID)")
            try await manager.send(text: "300")
            #expect(try await manager.send(text: "ещё").text == "Вернуть можно не больше 200 ₽.")

            // The day's history lists the refund with its amount and reason.
            let history = try #require(try await manager.send(text: "📋 История за сегодня").text)
            #expect(history.hasSuffix("↩️ Отмены и возвраты: 1\n09:00 №\(sale.orderID) Мария возврат 250 ₽ — вернули чизкейк"), "\(history)")

            let barista = try await desk.bind(.barista, userID: 500)
            let refused = try await barista.press("rf:\(sale.orderID)")
            #expect(refused.json["text"] as? String == "Возврат оформляет менеджер.")
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func onlyManagersMessageGuestsAndTheGuestGetsItInTheirLanguage() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            #expect(try await barista.send(text: "✉️ Сообщение гостю").text == "Это доступно только менеджерам.")
            let manager = try await desk.bind(.manager, userID: 700)
            let maria = try await fixture.guest()
            try await manager.send(text: "✉️ Сообщение гостю")
            try await manager.send(text: maria.phone.e164)
            let sent = try await manager.send(text: "Ваш заказ готов")
            #expect(sent.text == "Сообщение отправлено. Гость: Мария.")
            let message = try #require(try await OutboxRows(app.database).all().last { $0.bot == "client" })
            #expect(message.chatID == 111_111_111)
            #expect(message.payload["text"] as? String == "Сообщение от кофейни:\nВаш заказ готов")
        }
    }
}

/// Staff accounts bound through real invites, and sales made through the bot.
struct StaffDesk: Sendable {
    let app: TestApp
    let client: any TestClientProtocol
    let fixture: LoyaltyFixture

    /// A fresh app, its loyalty fixture and a desk to bind staff through the real webhook.
    static func with<Result: Sendable>(
        _ body: @Sendable (TestApp, LoyaltyFixture, StaffDesk) async throws -> Result
    ) async throws -> Result {
        try await TestApp.with { app, client in
            let fixture = try await LoyaltyFixture.over(app.database)
            return try await body(app, fixture, StaffDesk(app: app, client: client, fixture: fixture))
        }
    }

    func user(_ id: Int64, _ name: String, language: String = "ru") -> BotUser {
        BotUser(
            client: client, path: "/telegram/staff", secret: app.configuration.telegram.staffWebhookSecret, userID: id, firstName: name,
            languageCode: language)
    }

    func createInvite(_ token: String, role: Actor.StaffRole, expiresIn hours: Double = 24) async throws {
        let created = try await app.dependencies.store.pool.invites.create(
            role: role, locationSlug: "main", createdBy: "test", token: token,
            at: app.clock.now.addingTimeInterval(hours < 0 ? -48 * 3600 : 0), lifetime: hours < 0 ? 3600 : hours * 3600
        )
        #expect(created != nil)
    }

    func bind(_ role: Actor.StaffRole, userID: Int64) async throws -> BotUser {
        try await createInvite("inv_\(role.rawValue)\(userID)", role: role)
        let user = user(userID, role == .manager ? "Анна" : "Олег")
        let answer = try await user.send(text: "/start inv_\(role.rawValue)\(userID)")
        #expect(answer.text?.hasPrefix("Здравствуйте") == true)
        return user
    }

    /// Code → amount → (no points) → confirm; returns the order id.
    func sell(by staff: BotUser, to customer: Customer, amount: String) async throws -> Int64 {
        let code = try await fixture.store.issueCode(customerID: customer.id, at: app.clock.now).code
        try await staff.send(text: code.digits)
        var answer = try await staff.send(text: amount)
        if answer.inlineData.first == "rd:none" { answer = try await staff.press("rd:none") }
        var confirm = answer.inlineData.first { $0.hasPrefix("sc:") }
        if confirm == nil { confirm = try await lastStaffButton() }
        try await staff.press(try #require(confirm))
        return Int64(try await fixture.count("SELECT max(id)::int FROM orders"))
    }

    private func lastStaffButton() async throws -> String? {
        let row = try await OutboxRows(app.database).all().last { $0.bot == "staff" }
        let keyboard = (row?.payload["reply_markup"] as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]]
        return keyboard?.first?.first?["callback_data"] as? String
    }
}
