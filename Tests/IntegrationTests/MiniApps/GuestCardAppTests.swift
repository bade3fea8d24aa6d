import CremaTestSupport
import Domain
import Foundation
import Runtime
import Store
import Testing

/// The guest's card Mini App's API: only the guest the init data proves, in their language.
@Suite struct GuestCardAppTests {
    @Test func theGuestSeesTheirCardAndACodeWhoseQRHoldsOnlyTheDigits() async throws {
        try await StaffDesk.with { app, fixture, desk in
            let maria = try await fixture.guest(111_111_111)
            let barista = try await desk.bind(.barista, userID: 500)
            _ = try await desk.sell(by: barista, to: maria, amount: "1000")
            let guest = MiniAppCaller.guest(app, desk.client, userID: 111_111_111)

            let card = try await guest.get("/miniapp/api/guest/card")
            #expect(card.status == 200)
            #expect(card.json["name"] as? String == "Мария")
            #expect(card.json["tier"] as? String == "Стандарт")
            #expect(card.json["balance"] as? Int == 10)
            #expect(card.json["balance_unit"] as? String == "баллов")
            #expect(card.json["details"] as? [String] == ["До уровня «Серебро» осталось 14\u{202F}000 ₽ покупок.", "Подарков пока нет."])
            #expect(card.json["operations"] as? [String] == ["25.11.2026 · заказ №1 на 1\u{202F}000 ₽ · +10 баллов"])
            #expect(!String(decoding: card.body, as: UTF8.self).contains("+7900"), "the card API never sends the phone")

            let first = try await guest.post("/miniapp/api/guest/code")
            #expect(first.status == 200)
            let digits = try #require(first.json["code"] as? String)
            #expect(digits.count == 6 && digits.allSatisfy(\.isNumber))
            #expect(first.json["qr_text"] as? String == digits)
            #expect(first.json["display"] as? String == PaymentCode(typed: digits)?.description)
            #expect(first.json["seconds_left"] as? Int == 90)
            #expect((first.json["qr_svg"] as? String)?.hasPrefix("<svg") == true)

            // A new code voids the old one, as in the bot.
            let second = try await guest.post("/miniapp/api/guest/code")
            let renewed = try #require(second.json["code"] as? String)
            await #expect(throws: LoyaltyError.codeNotFound) {
                _ = try await fixture.store.lookUp(code: PaymentCode(typed: digits)!, at: app.clock.now)
            }
            #expect(try await fixture.store.lookUp(code: PaymentCode(typed: renewed)!, at: app.clock.now).customerID == maria.id)
        }
    }

    @Test func withoutValidInitDataNothingIsShown() async throws {
        try await StaffDesk.with { app, fixture, desk in
            _ = try await fixture.guest(111_111_111)
            let guest = MiniAppCaller.guest(app, desk.client, userID: 111_111_111)
            let missing = try await guest.get("/miniapp/api/guest/card", authorization: "")
            #expect(missing.status == 401 && missing.code == "init_data_invalid")
            let staffSigned = MiniAppCaller.staff(app, desk.client, userID: 111_111_111)
            #expect(try await staffSigned.get("/miniapp/api/guest/card").status == 401, "the staff bot's token does not open the card")
            let tampered = guest.initData.replacingOccurrences(of: "111111111", with: "222222222")
            #expect(try await guest.get("/miniapp/api/guest/card", authorization: "tma \(tampered)").status == 401)

            app.clock.advance(by: 25 * 3600)
            let old = try await guest.post("/miniapp/api/guest/code")
            #expect(old.status == 401)
            #expect(old.detail?.contains("open too long") == true)
            #expect(old.detail?.hasPrefix("Страница открыта слишком долго: закройте её и откройте снова из бота.") == true)
            #expect(try await fixture.count("SELECT count(*)::int FROM payment_codes") == 0)
        }
    }

    @Test func aStrangerIsAskedToRegisterAndABlockedGuestIsRefused() async throws {
        try await StaffDesk.with { app, fixture, desk in
            let stranger = MiniAppCaller.guest(app, desk.client, userID: 999, name: "Ник")
            let answer = try await stranger.get("/miniapp/api/guest/card")
            #expect(answer.status == 403 && answer.code == "not_registered")
            #expect(answer.detail == "Сначала зарегистрируйтесь: нажмите «📱 Поделиться номером» внизу.")

            let maria = try await fixture.guest(111_111_111)
            _ = try await fixture.count("UPDATE customers SET blocked_at = now() WHERE id = \(maria.id) RETURNING 1")
            let blocked = try await MiniAppCaller.guest(app, desk.client, userID: 111_111_111).post("/miniapp/api/guest/code")
            #expect(blocked.status == 403 && blocked.code == "customer_blocked")
            #expect(try await fixture.count("SELECT count(*)::int FROM payment_codes") == 0)
        }
    }

    @Test func thePagesLoadTelegramsScriptAndOurOwnOnly() async throws {
        try await StaffDesk.with { app, fixture, desk in
            for page in ["card", "till"] {
                let response = try await desk.client.execute(uri: "/miniapp/\(page)", method: .get)
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains(#"<script src="https://telegram.org/js/telegram-web-app.js"></script>"#))
                #expect(html.contains(#"<script src="/miniapp/\#(page).js" defer></script>"#))
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self' https://telegram.org") == true)
            }
            for asset in ["common.js", "card.js", "till.js", "miniapp.css"] {
                #expect(try await desk.client.execute(uri: "/miniapp/\(asset)", method: .get).status == .ok)
            }
        }
    }
}
