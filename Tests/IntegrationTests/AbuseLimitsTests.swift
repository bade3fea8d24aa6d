import CremaTestSupport
import Domain
import Foundation
import HummingbirdTesting
import Store
import Testing

/// Receipts never wait behind a broadcast, broadcasts and guests' messages have a daily cap, and
/// the outbox does not grow without end (#17, L4, L5).
@Suite struct AbuseLimitsTests {
    @Test func aReceiptQueuedBehindABroadcastIsClaimedFirst() async throws {
        try await TestApp.with { app, _ in
            let fixture = try await LoyaltyFixture.over(app.database)
            _ = try await fixture.count(
                """
                INSERT INTO outbox (bot, chat_id, kind, method, payload, next_attempt_at, created_at)
                SELECT 'client', n, 'promotional', 'sendMessage', '{"text": "news"}', now() - interval '1 minute', now()
                FROM generate_series(1, 5000) AS n RETURNING 1
                """)
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let sale = try await fixture.sell(to: maria, rubles: 300, by: barista, at: Date())
            let outbox = OutboxStore(database: app.database, logger: fixture.logger)
            let batch = try await outbox.claimDue(bot: .client, limit: 25, now: Date())
            #expect(batch.count == 25)
            #expect(batch.first?.promotional == false)
            #expect(String(decoding: try #require(batch.first).payload, as: UTF8.self).contains("\(sale.orderID)"))
            let rest = batch.dropFirst().map(\.promotional)
            #expect(rest.allSatisfy { $0 })
        }
    }

    @Test func deliveredMessagesArePrunedAfterTheirRetentionButNothingPendingOrOfARunningBroadcast() async throws {
        try await TestApp.with { app, _ in
            let fixture = try await LoyaltyFixture.over(app.database)
            _ = try await fixture.count(
                """
                WITH running AS (
                    INSERT INTO broadcasts (audience, body, created_by_kind, created_by_id, created_at, recipients)
                    VALUES ('everyone', 'x', 'admin', '1', now() - interval '60 days', 1) RETURNING id
                )
                INSERT INTO outbox (bot, chat_id, kind, method, payload, status, next_attempt_at, created_at, broadcast_id)
                SELECT 'client', 1, kind, 'sendMessage', '{}', status, now(), now() - interval '60 days', broadcast
                FROM running, (VALUES ('transactional', 'sent', NULL::bigint), ('transactional', 'pending', NULL::bigint),
                                      ('transactional', 'failed', NULL::bigint), ('promotional', 'sent', -1)) AS r (kind, status, marker)
                CROSS JOIN LATERAL (SELECT CASE WHEN r.marker = -1 THEN running.id END AS broadcast) AS b
                RETURNING 1
                """)
            let removed = try await OutboxStore(database: app.database, logger: fixture.logger).prune(
                before: Date().addingTimeInterval(-30 * 86_400))
            #expect(removed == 2)
            #expect(try await fixture.count("SELECT count(*)::int FROM outbox WHERE status = 'pending'") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM outbox WHERE broadcast_id IS NOT NULL") == 1)
        }
    }

    @Test func aManagerMayBroadcastOnlyTheDailyNumber() async throws {
        try await StaffDesk.with { app, fixture, desk in
            _ = try await fixture.count("UPDATE settings SET value = '2' WHERE key = 'broadcasts_per_day' RETURNING 1")
            let manager = try await desk.bind(.manager, userID: 700)
            _ = try await fixture.guest()
            var answers: [String] = []
            for number in 1...3 {
                try await manager.send(text: "📣 Рассылка")
                try await manager.press("ba:all")
                let preview = try await manager.send(text: "Новинка \(number)")
                let send = try #require(preview.inlineData.first { $0.hasPrefix("bs:") })
                let sent = try await manager.press(send)
                answers.append(sent.json["text"] as? String ?? "")
            }
            #expect(answers == ["Готово", "Готово", "Рассылка не отправлена: за сутки можно не больше 2 (настройка кофейни)."])
            #expect(try await fixture.count("SELECT count(*)::int FROM broadcasts") == 2)
        }
    }

    @Test func aGuestMayWriteToManagementOnlyTheDailyNumber() async throws {
        try await TestApp.with { app, client in
            let chat = BotUser(client: client, secret: app.configuration.telegram.clientWebhookSecret, languageCode: "ru")
            try await chat.send(text: "/start")
            try await chat.sendOwnContact()
            try await chat.press("skip:bday")
            let fixture = try await LoyaltyFixture.over(app.database)
            var last = ""
            for number in 1...6 {
                try await chat.send(text: "✉️ Написать нам")
                last = try await chat.send(text: "Сообщение \(number)").text ?? ""
            }
            #expect(last.hasPrefix("Сегодня вы уже написали руководству несколько раз"))
            #expect(try await fixture.count("SELECT count(*)::int FROM feedback WHERE kind = 'message'") == 5)
            app.clock.advance(by: 86_400)
            try await chat.send(text: "✉️ Написать нам")
            #expect(try await chat.send(text: "Назавтра").text == "Сообщение отправлено руководству. Ответ придёт сюда.")
        }
    }
}
