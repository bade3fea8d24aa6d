import CremaTestSupport
import Domain
import Foundation
import Handlers
import Logging
import Runtime
import Store
import Testing

/// A manager's broadcast from the staff bot, delivered by the client bot's sender against the
/// fake Bot API while it injects 429s and 403s.
@Suite struct BroadcastTests {
    @Test(.timeLimit(.minutes(2)))
    func aBroadcastReachesEveryReachableOptedInGuestExactlyOnce() async throws {
        try await TestApp.with { app, client in
            let fixture = try await LoyaltyFixture.over(app.database)
            let desk = StaffDesk(app: app, client: client, fixture: fixture)
            let manager = try await desk.bind(.manager, userID: 700)
            // 1,000 guests: every tenth opted out of promotions, every fiftieth already unreachable.
            _ = try await fixture.count(
                """
                INSERT INTO customers (telegram_id, phone, first_name, language, promo_opt_in, unreachable_at, created_at, updated_at)
                SELECT 10000000 + g, '+7901' || lpad(g::text, 7, '0'), 'Guest ' || g, 'ru', g % 10 <> 0,
                       CASE WHEN g % 50 = 1 THEN now() END, now(), now()
                FROM generate_series(1, 1000) AS g
                RETURNING 1
                """
            )

            try await manager.send(text: "📣 Рассылка")
            try await manager.press("ba:all", messageID: 300)
            let preview = try await manager.send(text: "Сегодня капучино за полцены")
            #expect(preview.text == "Получателей: 880 (без отписавшихся и недоступных). Отправить?")
            let send = try #require(preview.inlineData.first)
            let sent = try await manager.press(send, messageID: 301)
            #expect(sent.json["text"] as? String == "Готово")
            #expect(
                try await fixture.count("SELECT count(*)::int FROM outbox WHERE broadcast_id IS NOT NULL AND kind = 'promotional'") == 880)

            let blocked: [Int64] = [10_000_002, 10_000_003, 10_000_004, 10_000_005, 10_000_006]
            let delivered = try await FakeTelegramBotAPI.withRunning { fake in
                await fake.fail("sendMessage", times: 3, with: .tooManyRequests(retryAfter: 1))
                for chat in blocked { await fake.block(chatID: chat) }
                var settings = OutboxSender.Settings()
                settings.messagesPerSecond = 400
                settings.idlePoll = .milliseconds(50)
                let sender = OutboxSender(
                    bot: .client, store: OutboxStore(database: app.database, logger: fixture.logger),
                    api: BotAPIClient(http: .shared, baseURL: fake.baseURL, token: "111:client"), clock: .system,
                    settings: settings, logger: fixture.logger,
                    render: NotificationRenderer(timeZone: TimeZone(identifier: "Europe/Moscow")!).render
                )
                let stats = try await sender.drain(within: .seconds(90))
                #expect(stats.unreachable == 5)
                return await fake.calls("sendMessage")
            }
            let successes = delivered.filter { $0.status == 200 }
            let perChat = Dictionary(grouping: successes, by: { $0.chatID ?? 0 })
            #expect(successes.count == 875)
            #expect(perChat.count == 875 && perChat.values.allSatisfy { $0.count == 1 })
            #expect(delivered.filter { $0.status == 429 }.count == 3)
            #expect(Set(delivered.filter { $0.status == 403 }.compactMap(\.chatID)) == Set(blocked))
            // Opted-out and already unreachable guests got nothing.
            #expect(perChat.keys.allSatisfy { ($0 - 10_000_000) % 10 != 0 && ($0 - 10_000_000) % 50 != 1 })
            #expect(try await fixture.count("SELECT count(*)::int FROM customers WHERE unreachable_at IS NOT NULL") == 25)

            let store = app.dependencies.store.pool.broadcasts
            let progress = try #require(try await store.progressToReport().first)
            #expect(progress.isDone && progress.sent == 875 && progress.failed == 5 && progress.recipients == 880)
            #expect(progress.progressMessageID == 301)

            // Two instances report the finished broadcast at the same moment: one edit, one alert.
            let editsBefore = try await fixture.count("SELECT count(*)::int FROM outbox WHERE bot = 'staff' AND method = 'editMessageText'")
            let reporter = BroadcastProgressReporter(store: app.dependencies.store)
            let otherInstance = BroadcastProgressReporter(store: app.dependencies.store)
            async let first = reporter.reportOnce(at: app.clock.now)
            async let second = otherInstance.reportOnce(at: app.clock.now)
            #expect(try await first + second >= 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM outbox WHERE payload->>'template' = 'broadcast_failed'") == 1)
            #expect(
                try await fixture.count("SELECT count(*)::int FROM outbox WHERE bot = 'staff' AND method = 'editMessageText'")
                    == editsBefore + 1)
            let edit = try #require(try await OutboxRows(app.database).all().last { $0.bot == "staff" && $0.method == "editMessageText" })
            #expect(edit.chatID == 700 && edit.payload["message_id"] as? Int == 301)
            #expect(
                edit.payload["text"] as? String == "✅ Рассылка №\(progress.broadcastID) завершена: доставлено 875 из 880, не доставлено 5.")
            let alert = try #require(try await OutboxRows(app.database).all().last { $0.bot == "staff" && $0.method == "sendMessage" })
            #expect(alert.chatID == 700 && alert.payload["template"] as? String == "broadcast_failed")
            // Finished broadcasts are not reported again.
            #expect(try await reporter.reportOnce(at: app.clock.now) == 0)
        }
    }
}
