import CremaTestSupport
import Domain
import Foundation
import Runtime
import Store
import Testing

/// Promises the client bot made that no test held it to (the mission review's §3.2): the
/// manager alert for a message, the debt line, a suspended account, the receipt's review button,
/// choosing among several visits, and a deep link.
@Suite struct ClientBotPromiseTests {
    func withBot<Result: Sendable>(
        _ body: @Sendable (TestApp, BotUser, LoyaltyFixture) async throws -> Result
    ) async throws -> Result {
        try await TestApp.with { app, client in
            let chat = BotUser(client: client, secret: app.configuration.telegram.clientWebhookSecret, languageCode: "ru")
            return try await body(app, chat, try await LoyaltyFixture.over(app.database))
        }
    }

    func register(_ chat: BotUser, fixture: LoyaltyFixture) async throws -> Customer {
        try await chat.send(text: "/start")
        try await chat.sendOwnContact()
        try await chat.press("skip:bday")
        return try #require(try await fixture.store.customer(telegramID: chat.userID))
    }

    @Test func aMessageToManagementReachesEveryActiveManagerWithTheGuestsWords() async throws {
        try await withBot { app, chat, fixture in
            _ = try await register(chat, fixture: fixture)
            let manager = try await fixture.staff(.manager, name: "Анна")
            _ = try await fixture.count("UPDATE staff SET telegram_id = 555 WHERE id = \(Int64(manager.id)!) RETURNING 1")
            let inactive = try await fixture.staff(.manager, name: "Олег")
            _ = try await fixture.count(
                "UPDATE staff SET telegram_id = 556, active = false, deactivated_at = now() WHERE id = \(Int64(inactive.id)!) RETURNING 1")

            try await chat.send(text: "✉️ Написать нам")
            try await chat.send(text: "Спасибо за вчерашний вечер")
            let alerts = try await OutboxRows(app.database).all().filter { $0.bot == "staff" }
            #expect(alerts.map(\.chatID) == [555])
            #expect(alerts.first?.payload["template"] as? String == "guest_message")
            #expect(alerts.first?.payload["text"] as? String == "Спасибо за вчерашний вечер")
            #expect(alerts.first?.payload["guest"] as? String == "Мария")
        }
    }

    @Test func theProfileShowsPointsDebtInRussianNumbers() async throws {
        try await withBot { _, chat, fixture in
            let maria = try await register(chat, fixture: fixture)
            let manager = try await fixture.staff(.manager)
            let earned = try await fixture.sell(to: maria, rubles: 10_000, by: manager)  // 100 points
            _ = try await fixture.sell(to: maria, rubles: 1_000, redeem: .points(98), by: manager)
            _ = try await fixture.store.cancelSale(orderID: earned.orderID, by: manager, reason: "test", at: TestDefaults.now)
            let profile = try #require(try await chat.send(text: "👤 Профиль").text)
            #expect(profile.contains("Долг: 98 баллов — спишем из следующих начислений."))
        }
    }

    @Test func aSuspendedGuestIsToldSoAndCannotBuyWithPoints() async throws {
        try await withBot { app, chat, fixture in
            let maria = try await register(chat, fixture: fixture)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            _ = try await fixture.count("UPDATE customers SET blocked_at = now() WHERE id = \(maria.id) RETURNING 1")
            let answer = try await chat.send(text: "👤 Профиль")
            #expect(answer.text == "Ваш аккаунт в программе лояльности приостановлен. Пожалуйста, обратитесь к сотрудникам кофейни.")
            let barista = try await fixture.staff(.barista)
            await #expect(throws: LoyaltyError.customerBlocked) {
                _ = try await fixture.store.confirmSale(
                    SaleRequest(idempotencyKey: "blocked", guest: .code(code), amount: .rubles(300), redeem: .none),
                    by: barista, locationID: fixture.mainLocationID, at: app.clock.now)
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM orders") == 0)
        }
    }

    @Test func theReceiptsButtonAsksForThatVisitAndSeveralVisitsAreChosenFrom() async throws {
        try await withBot { app, chat, fixture in
            let maria = try await register(chat, fixture: fixture)
            let barista = try await fixture.staff(.barista)
            let first = try await fixture.sell(to: maria, rubles: 300, by: barista, at: TestDefaults.now.addingTimeInterval(-86_400))
            let second = try await fixture.sell(to: maria, rubles: 450, by: barista)

            let fromReceipt = try await chat.press("rv:\(first.orderID)")
            #expect(fromReceipt.method == "answerCallbackQuery")
            let prompt = try #require(try await OutboxRows(app.database).all().last { $0.bot == "client" && $0.method == "sendMessage" })
            #expect(prompt.payload["text"] as? String == "Оцените визит (заказ №\(first.orderID)) от 1 до 10:")
            let rates = (prompt.payload["reply_markup"] as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]]
            #expect(rates?.first?.first?["callback_data"] as? String == "rate:\(first.orderID):1")

            let pick = try await chat.send(text: "⭐ Отзыв")
            #expect(pick.text == "Какой визит хотите оценить?")
            #expect(pick.inlineData == ["rv:\(second.orderID)", "rv:\(first.orderID)"])
            let keyboard = try #require(pick.markup?["inline_keyboard"] as? [[[String: Any]]])
            #expect(keyboard.first?.first?["text"] as? String == "№\(second.orderID) · 25.11.2026 · 450 ₽")
        }
    }

    @Test func theReviewWindowIsTheSettingsNotAFixedMonth() async throws {
        try await withBot { _, chat, fixture in
            let maria = try await register(chat, fixture: fixture)
            let barista = try await fixture.staff(.barista)
            _ = try await fixture.sell(to: maria, rubles: 300, by: barista, at: TestDefaults.now.addingTimeInterval(-8 * 86_400))
            _ = try await fixture.count("UPDATE settings SET value = '7' WHERE key = 'review_window_days' RETURNING 1")
            let none = try await chat.send(text: "⭐ Отзыв")
            #expect(
                none.text
                    == "Оценить можно покупку за последние 7 дней — пока таких нет. Будем рады вашему отзыву после следующего визита!")
            _ = try await fixture.count("UPDATE settings SET value = '21' WHERE key = 'review_window_days' RETURNING 1")
            #expect(try await chat.send(text: "⭐ Отзыв").text?.hasPrefix("Оцените визит") == true)
        }
    }

    @Test func aDeepLinkStartGreetsLikeStart() async throws {
        try await withBot { _, chat, fixture in
            let stranger = try await chat.send(text: "/start promo_autumn")
            #expect(stranger.text?.hasPrefix("Здравствуйте, Мария!") == true)
            _ = try await register(chat, fixture: fixture)
            let back = try await chat.send(text: "/start promo_autumn")
            #expect(back.text == "С возвращением, Мария! Выберите действие в меню.")
        }
    }
}
