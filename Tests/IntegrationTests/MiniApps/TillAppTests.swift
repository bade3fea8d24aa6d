import CremaTestSupport
import Domain
import Foundation
import Runtime
import Store
import Testing

/// The barista's till Mini App's API, by the staff bot's rules: one set for both channels.
@Suite struct TillAppTests {
    func code(_ fixture: LoyaltyFixture, for customer: Customer, at now: Date) async throws -> String {
        try await fixture.store.issueCode(customerID: customer.id, at: now).code.digits
    }

    @Test func scanAmountConfirmMakesOneOrderHoweverOftenConfirmIsSent() async throws {
        try await StaffDesk.with { app, fixture, desk in
            let maria = try await fixture.guest(111_111_111)
            _ = try await desk.bind(.barista, userID: 500)
            let till = MiniAppCaller.staff(app, desk.client, userID: 500)
            let me = try await till.get("/miniapp/api/till/me")
            #expect(me.json["name"] as? String == "Олег" && me.json["role"] as? String == "бариста")

            let digits = try await code(fixture, for: maria, at: app.clock.now)
            let card = try await till.post("/miniapp/api/till/lookup", ["code": digits])
            #expect(card.status == 200)
            #expect(card.json["text"] as? String == "Гость: Мария\nУровень: Стандарт\nБаланс: 0 баллов")
            #expect(!String(decoding: card.body, as: UTF8.self).contains("+7900"))

            let sale: [String: Any] = ["code": digits, "amount": "450", "redeem": "none", "gift_ids": [Int]()]
            let quote = try await till.post("/miniapp/api/till/quote", sale)
            #expect(quote.status == 200)
            #expect(quote.json["text"] as? String == "Заказ: 450 ₽\nК оплате: 450 ₽\nНачислится: 4 балла\nУровень после покупки: Стандарт")
            let token = try #require(quote.json["confirm_token"] as? String)

            // A double tap and a retry from a second instance: the same token, one order.
            var confirm = sale
            confirm["confirm_token"] = token
            let payload = try JSONSerialization.data(withJSONObject: confirm)
            let answers = try await withThrowingTaskGroup(of: MiniAppCaller.Answer.self) { group in
                for _ in 0..<5 { group.addTask { try await till.post("/miniapp/api/till/confirm", raw: payload) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.map(\.status))")
            let orderIDs = Set(answers.compactMap { $0.json["order_id"] as? Int })
            #expect(orderIDs.count == 1)
            let orderID = try #require(orderIDs.first)
            #expect(answers[0].json["text"] as? String == "✅ Продажа проведена. Заказ №\(orderID). К оплате: 450 ₽. Чек отправлен гостю.")
            #expect(try await fixture.count("SELECT count(*)::int FROM orders") == 1)
            let receipts = try await OutboxRows(app.database).all().filter { $0.payload["template"] as? String == "sale_receipt" }
            #expect(receipts.count == 1)
            #expect(try await fixture.checkLedger().isClean)

            // The code is spent (a used code is gone, as in the bot): a new Confirm is refused in Russian.
            confirm["confirm_token"] = "00112233aabbccdd"
            let again = try await till.post("/miniapp/api/till/confirm", confirm)
            #expect(again.status == 404 && again.detail == "Код не найден. Попросите гостя открыть «Код оплаты» ещё раз.")
        }
    }

    @Test func strangersAndDeactivatedStaffGetTheBotsRefusal() async throws {
        try await StaffDesk.with { app, fixture, desk in
            let stranger = try await MiniAppCaller.staff(app, desk.client, userID: 600, name: "Ник").get("/miniapp/api/till/me")
            #expect(stranger.status == 403 && stranger.code == "not_staff")
            #expect(stranger.detail?.hasPrefix("Этот бот только для сотрудников кофейни") == true)

            _ = try await desk.bind(.barista, userID: 500)
            _ = try await fixture.count("UPDATE staff SET active = false, deactivated_at = now() WHERE telegram_id = 500 RETURNING 1")
            let maria = try await fixture.guest()
            let digits = try await code(fixture, for: maria, at: app.clock.now)
            let gone = try await MiniAppCaller.staff(app, desk.client, userID: 500).post("/miniapp/api/till/lookup", ["code": digits])
            #expect(gone.status == 403 && gone.code == "not_staff")
            let guestSigned = MiniAppCaller.guest(app, desk.client, userID: 500)
            #expect(try await guestSigned.get("/miniapp/api/till/me").status == 401, "the client bot's token does not open the till")
        }
    }

    @Test func wrongCodesInTheAppAndTheBotCountAgainstOneThrottle() async throws {
        try await StaffDesk.with { app, fixture, desk in
            _ = try await fixture.count("UPDATE settings SET value = to_jsonb(3) WHERE key = 'wrong_code_limit_per_minute' RETURNING 1")
            let bot = try await desk.bind(.barista, userID: 500)
            let till = MiniAppCaller.staff(app, desk.client, userID: 500)
            let first = try await till.post("/miniapp/api/till/lookup", ["code": "000001"])
            #expect(first.status == 404 && first.detail == "Код не найден. Попросите гостя открыть «Код оплаты» ещё раз.")
            _ = try await till.post("/miniapp/api/till/lookup", ["code": "000002"])
            _ = try await bot.send(text: "000003")

            let maria = try await fixture.guest()
            let digits = try await code(fixture, for: maria, at: app.clock.now)
            let throttled = try await till.post("/miniapp/api/till/lookup", ["code": digits])
            #expect(throttled.status == 429)
            #expect(throttled.detail?.hasPrefix("Слишком много неверных кодов. Подождите") == true)
            #expect(throttled.headers[.retryAfter] != nil)
            #expect(try await bot.send(text: digits).text?.hasPrefix("Слишком много неверных кодов") == true)
        }
    }

    @Test func aCodeHeldAtAnotherTillAndOnesOwnAccountAreRefused() async throws {
        try await StaffDesk.with { app, fixture, desk in
            let maria = try await fixture.guest()
            _ = try await desk.bind(.barista, userID: 500_000_001)
            _ = try await desk.bind(.manager, userID: 501)
            let oleg = MiniAppCaller.staff(app, desk.client, userID: 500_000_001)
            let anna = MiniAppCaller.staff(app, desk.client, userID: 501, name: "Анна")
            let digits = try await code(fixture, for: maria, at: app.clock.now)
            #expect(try await oleg.post("/miniapp/api/till/lookup", ["code": digits]).status == 200)
            let held = try await anna.post("/miniapp/api/till/lookup", ["code": digits])
            #expect(held.status == 409 && held.detail?.hasPrefix("Этот код сейчас открыт на другой кассе") == true)
            // Released by the first till (the barista scanned someone else), it is free again.
            #expect(try await oleg.post("/miniapp/api/till/release", ["code": digits]).status == 200)
            #expect(try await anna.post("/miniapp/api/till/lookup", ["code": digits]).status == 200)

            let olegAsGuest = try await fixture.guest(500_000_001, name: "Олег")
            let own = try await code(fixture, for: olegAsGuest, at: app.clock.now)
            let refused = try await oleg.post("/miniapp/api/till/lookup", ["code": own])
            #expect(refused.status == 403 && refused.code == "own_account")
            #expect(try await anna.post("/miniapp/api/till/lookup", ["code": own]).status == 200, "a colleague may sell to them")
        }
    }

    @Test func aBaristaCancelsWithinTheWindowAndNotAfter() async throws {
        try await StaffDesk.with { app, fixture, desk in
            let maria = try await fixture.guest()
            _ = try await desk.bind(.barista, userID: 500)
            let till = MiniAppCaller.staff(app, desk.client, userID: 500)
            func sell() async throws -> Int {
                let digits = try await code(fixture, for: maria, at: app.clock.now)
                _ = try await till.post("/miniapp/api/till/lookup", ["code": digits])
                var sale: [String: Any] = ["code": digits, "amount": "300", "redeem": "none"]
                sale["confirm_token"] = try #require(try await till.post("/miniapp/api/till/quote", sale).json["confirm_token"] as? String)
                let done = try await till.post("/miniapp/api/till/confirm", sale)
                #expect(done.json["cancel_until"] as? String != nil && done.json["cancel_any_time"] as? Bool == false)
                return try #require(done.json["order_id"] as? Int)
            }
            let first = try await sell()
            let cancelled = try await till.post("/miniapp/api/till/cancel", ["order_id": first])
            #expect(cancelled.status == 200)
            #expect(cancelled.json["text"] as? String == "Заказ №\(first) отменён. Гостю отправлено уведомление.")
            #expect(try await fixture.count("SELECT count(*)::int FROM order_cancellations WHERE order_id = \(first)") == 1)

            let second = try await sell()
            app.clock.advance(by: 11 * 60)
            let late = try await till.post("/miniapp/api/till/cancel", ["order_id": second])
            #expect(late.status == 409 && late.detail == "Время на отмену прошло. Обратитесь к менеджеру.")
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func badInputGetsAClearAnswerNeverA500() async throws {
        try await StaffDesk.with { app, fixture, desk in
            let maria = try await fixture.guest()
            _ = try await desk.bind(.barista, userID: 500)
            let till = MiniAppCaller.staff(app, desk.client, userID: 500)
            let digits = try await code(fixture, for: maria, at: app.clock.now)
            let cases: [(path: String, body: [String: Any], status: Int)] = [
                ("/miniapp/api/till/lookup", ["code": "12345"], 400),
                ("/miniapp/api/till/lookup", ["nothing": true], 400),
                ("/miniapp/api/till/quote", ["code": digits, "amount": "abc", "redeem": "none"], 400),
                ("/miniapp/api/till/quote", ["code": digits, "amount": "0", "redeem": "none"], 400),
                ("/miniapp/api/till/quote", ["code": digits, "amount": "100", "redeem": "lots"], 400),
                ("/miniapp/api/till/quote", ["code": digits, "amount": "100", "redeem": "50"], 422),
                ("/miniapp/api/till/quote", ["code": digits, "amount": "100", "redeem": "none", "gift_ids": [42]], 404),
                ("/miniapp/api/till/confirm", ["code": digits, "amount": "100", "redeem": "none"], 400),
                ("/miniapp/api/till/confirm", ["code": digits, "amount": "100", "redeem": "none", "confirm_token": "x';--"], 400),
                ("/miniapp/api/till/cancel", ["order_id": 987_654], 404),
            ]
            for item in cases {
                let answer = try await till.post(item.path, item.body)
                #expect(answer.status == item.status, "\(item.path) \(item.body) → \(answer.status) \(answer.detail ?? "")")
                #expect(answer.detail?.isEmpty == false, "\(item.path) \(item.body) explains itself")
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM orders") == 0)
        }
    }
}
