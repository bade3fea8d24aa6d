import CremaTestSupport
import Domain
import Foundation
import HummingbirdTesting
import Store
import Testing

/// Staff bot promises no test held it to (the mission review's §3.2): the debt on the guest's
/// card, the wrong-code throttle per location, a manager's gift by phone, and the apology after
/// an unexpected failure.
@Suite struct StaffBotPromiseTests {
    func withStaffBot<Result: Sendable>(
        _ body: @Sendable (TestApp, LoyaltyFixture, StaffDesk) async throws -> Result
    ) async throws -> Result {
        try await StaffDesk.with(body)
    }

    @Test func theGuestsCardShowsTheirPointsDebt() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let manager = try await fixture.staff(.manager)
            let earned = try await fixture.sell(to: maria, rubles: 10_000, by: manager)
            _ = try await fixture.sell(to: maria, rubles: 1_000, redeem: .points(98), by: manager)
            _ = try await fixture.store.cancelSale(orderID: earned.orderID, by: manager, reason: "test", at: TestDefaults.now)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code
            let card = try #require(try await barista.send(text: code.digits).text)
            #expect(card.hasPrefix("Гость: Мария\nУровень: Стандарт\nБаланс: 0 баллов\nДолг: 98 баллов"))
        }
    }

    @Test func aLocationsTillsTogetherGetThreeTimesOnePersonsWrongCodes() async throws {
        try await withStaffBot { _, fixture, desk in
            var baristas: [BotUser] = []
            for id in 500..<504 { baristas.append(try await desk.bind(.barista, userID: Int64(id))) }
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let wrong = code.digits == "000000" ? "000001" : "000000"
            for barista in baristas.prefix(3) {
                for _ in 0..<5 {
                    #expect(try await barista.send(text: wrong).text?.hasPrefix("Код не найден.") == true)
                }
            }
            // The fourth barista has made no mistake, but the location has made fifteen.
            let slowed = try await baristas[3].send(text: code.digits).text
            #expect(slowed?.hasPrefix("Слишком много неверных кодов. Подождите") == true)
        }
    }

    @Test func aManagerGivesAGiftToAGuestFoundByPhone() async throws {
        try await withStaffBot { app, fixture, desk in
            let manager = try await desk.bind(.manager, userID: 700)
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            try await manager.send(text: "🎁 Подарок")
            let card = try await manager.send(text: "8 (900) 111-11-11")
            #expect(card.text?.hasPrefix("Гость: Мария") == true)
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })
            #expect(card.inlineData.contains("gi:\(drink.id)"))
            try await manager.press("gi:\(drink.id)")
            #expect(try await manager.send(text: "День рождения кофейни").text?.hasPrefix("Подарок выдан: Напиток") == true)
            #expect(try await fixture.store.activeGifts(customerID: maria.id, at: app.clock.now).count == 1)

            // A barista may not look guests up by phone.
            try await barista.send(text: "🎁 Подарок")
            #expect(try await barista.send(text: "+79001111111").text == "Введите 6-значный код гостя из клиентского бота.")
        }
    }

    @Test func anUnexpectedFailureRollsBackAndSaysSorryOnce() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 500)
            _ = try await fixture.count("ALTER TABLE conversations RENAME TO conversations_away")
            let update = barista.messageUpdate(["text": "🧾 Продажа"])
            let sorry = try await barista.post(update)
            #expect(sorry.status == 200)
            #expect(sorry.text == "Что-то пошло не так. Попробуйте ещё раз.")
            let again = try await barista.post(update)
            #expect(again.status == 200 && again.body.isEmpty)
            _ = try await fixture.count("ALTER TABLE conversations_away RENAME TO conversations")
            #expect(try await barista.send(text: "🧾 Продажа").text == "Введите 6-значный код гостя из клиентского бота.")
            #expect(try await fixture.count("SELECT count(*)::int FROM telegram_updates WHERE bot = 'staff'") >= 3)
        }
    }

    @Test func nobodySellsToOrGiftsTheirOwnGuestAccount() async throws {
        try await withStaffBot { app, fixture, desk in
            let barista = try await desk.bind(.barista, userID: 555_000_001)
            let own = try await fixture.guest(555_000_001, name: "Олег")
            let code = try await fixture.store.issueCode(customerID: own.id, at: app.clock.now).code
            #expect(
                try await barista.send(text: code.digits).text
                    == "Это ваш собственный аккаунт гостя: продажу или подарок себе проводит коллега.")
            #expect(try await fixture.count("SELECT count(*)::int FROM payment_codes WHERE held_by_staff_id IS NOT NULL") == 0)
            try await barista.send(text: "🎁 Подарок")
            #expect(
                try await barista.send(text: code.digits).text
                    == "Это ваш собственный аккаунт гостя: продажу или подарок себе проводит коллега.")
        }
    }

    @Test func aBaristaGivesOnlyTheShiftsGiftsAndAManagerMore() async throws {
        try await withStaffBot { app, fixture, desk in
            _ = try await fixture.count("UPDATE settings SET value = '2' WHERE key = 'barista_gifts_per_shift' RETURNING 1")
            let barista = try await desk.bind(.barista, userID: 500)
            let manager = try await desk.bind(.manager, userID: 700)
            let maria = try await fixture.guest()
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })
            func give(_ staff: BotUser) async throws -> String? {
                try await staff.send(text: "🎁 Подарок")
                try await staff.send(text: try await fixture.store.issueCode(customerID: maria.id, at: app.clock.now).code.digits)
                try await staff.press("gi:\(drink.id)")
                return try await staff.send(text: "за ожидание").text
            }
            #expect(try await give(barista)?.hasPrefix("Подарок выдан") == true)
            #expect(try await give(barista)?.hasPrefix("Подарок выдан") == true)
            #expect(try await give(barista) == "На эту смену подарки исчерпаны (2). Выдать ещё может менеджер.")
            #expect(try await give(manager)?.hasPrefix("Подарок выдан") == true)
            #expect(try await fixture.count("SELECT count(*)::int FROM customer_gifts") == 3)
        }
    }
}
