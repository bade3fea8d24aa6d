import AsyncHTTPClient
import CremaTestSupport
import Domain
import Foundation
import Handlers
import Logging
import Runtime
import Store
import Testing

@Suite struct OutboxSenderTests {
    /// Runs `body` with the engine, the fake Bot API and a client-bot sender wired to both.
    func withSender<Result: Sendable>(
        _ body: @Sendable (LoyaltyFixture, FakeTelegramBotAPI, OutboxSender) async throws -> Result
    ) async throws -> Result {
        try await LoyaltyFixture.with { fixture in
            try await FakeTelegramBotAPI.withRunning { fake in
                var settings = OutboxSender.Settings()
                settings.firstBackoff = 0.2
                settings.idlePoll = .milliseconds(50)
                let renderer = NotificationRenderer(timeZone: TimeZone(identifier: "Europe/Moscow")!)
                let sender = OutboxSender(
                    bot: .client,
                    store: OutboxStore(database: fixture.database, logger: fixture.logger),
                    api: BotAPIClient(http: .shared, baseURL: fake.baseURL, token: "123:abc"),
                    clock: .system, settings: settings, logger: fixture.logger,
                    render: renderer.render
                )
                return try await body(fixture, fake, sender)
            }
        }
    }

    func enqueue(_ fixture: LoyaltyFixture, chat: Int64, customer: Int64? = nil, text: String) async throws {
        _ = try await fixture.count(
            """
            INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, next_attempt_at, created_at)
            VALUES ('client', \(chat), \(customer), 'promotional', jsonb_build_object('text', \(text)::text), now(), now())
            RETURNING 1
            """
        )
    }

    @Test func theReceiptReachesTheGuestInTheirLanguage() async throws {
        try await withSender { fixture, fake, sender in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let sale = try await fixture.sell(to: maria, rubles: 1_250, by: barista)
            let stats = try await sender.drain(within: .seconds(10))
            #expect(stats.sent == 1)
            let message = try #require(await fake.calls("sendMessage").first)
            #expect(message.chatID == 111_111_111)
            #expect(message.text?.hasPrefix("Спасибо за покупку! Заказ №\(sale.orderID)") == true)
            #expect(message.text?.contains("Начислено баллов: 12") == true)
            #expect(message.text?.contains("Баланс: 12 баллов") == true)
            #expect(try await fixture.count("SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at IS NOT NULL") == 1)
        }
    }

    @Test func aTooManyRequestsAnswerPausesTheBotForRetryAfter() async throws {
        try await withSender { fixture, fake, sender in
            for chat in [1, 2, 3] as [Int64] { try await enqueue(fixture, chat: chat, text: "news \(chat)") }
            await fake.fail("sendMessage", times: 1, with: .tooManyRequests(retryAfter: 1))
            let stats = try await sender.drain(within: .seconds(15))
            #expect(stats.sent == 3)
            let calls = await fake.calls("sendMessage")
            #expect(calls.map(\.status) == [429, 200, 200, 200])
            try #require(calls.count >= 2)
            #expect(calls[1].receivedAt - calls[0].receivedAt >= .milliseconds(950))
            #expect(try await fixture.count("SELECT count(*) FROM outbox WHERE status = 'sent'") == 3)
        }
    }

    @Test func aBlockedGuestIsMarkedUnreachableAndSkippedAfterwards() async throws {
        try await withSender { fixture, fake, sender in
            let maria = try await fixture.guest(111_111_111)
            let oleg = try await fixture.guest(222_222_222, name: "Oleg")
            await fake.block(chatID: 111_111_111)
            try await enqueue(fixture, chat: 111_111_111, customer: maria.id, text: "first")
            try await enqueue(fixture, chat: 222_222_222, customer: oleg.id, text: "hello")
            _ = try await sender.drain(within: .seconds(10))
            try await enqueue(fixture, chat: 111_111_111, customer: maria.id, text: "second")
            let stats = try await sender.drain(within: .seconds(10))

            #expect(stats.sent == 0)
            #expect(await fake.calls("sendMessage").filter { $0.chatID == 111_111_111 }.count == 1)
            #expect(await fake.calls("sendMessage").filter { $0.chatID == 222_222_222 && $0.status == 200 }.count == 1)
            #expect(try await fixture.count("SELECT count(*) FROM customers WHERE id = \(maria.id) AND unreachable_at IS NOT NULL") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM outbox WHERE customer_id = \(maria.id) AND status = 'skipped'") == 2)
        }
    }

    @Test func serverErrorsAreRetriedWithBackoffUntilDelivered() async throws {
        try await withSender { fixture, fake, sender in
            try await enqueue(fixture, chat: 7, text: "retry me")
            await fake.fail("sendMessage", times: 2, with: .serverError(status: 502))
            _ = try await sender.drain(within: .seconds(15))
            #expect(await fake.calls("sendMessage").map(\.status) == [502, 502, 200])
            #expect(try await fixture.count("SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 3") == 1)
        }
    }

    @Test func aBadRequestIsFinalAndSentOnce() async throws {
        try await withSender { fixture, fake, sender in
            try await enqueue(fixture, chat: 8, text: "bad")
            await fake.fail("sendMessage", times: 5, with: .badRequest("chat not found"))
            _ = try await sender.drain(within: .seconds(10))
            #expect(await fake.calls("sendMessage").count == 1)
            #expect(
                try await fixture.count("SELECT count(*) FROM outbox WHERE status = 'failed' AND last_error LIKE '%chat not found%'") == 1)
        }
    }

    @Test func theBotNeverSendsMoreThan25MessagesInAnySecond() async throws {
        try await withSender { fixture, fake, sender in
            for chat in 1...60 as ClosedRange<Int64> { try await enqueue(fixture, chat: chat, text: "promo") }
            let stats = try await sender.drain(within: .seconds(20))
            #expect(stats.sent == 60)
            let times = await fake.calls("sendMessage").map(\.receivedAt)
            let busiestSecond =
                times.indices.map { start in
                    times[start...].prefix { $0 - times[start] < .seconds(1) }.count
                }.max() ?? 0
            #expect(busiestSecond <= 25)
            #expect(Set(await fake.calls("sendMessage").compactMap(\.chatID)).count == 60)
        }
    }

    @Test func oneChatGetsAtMostOneMessagePerSecond() async throws {
        try await withSender { fixture, fake, sender in
            for index in 1...3 { try await enqueue(fixture, chat: 42, text: "part \(index)") }
            // About 2 s of pacing; the deadline is for a loaded full run, and drain ends when the queue does.
            _ = try await sender.drain(within: .seconds(60))
            let calls = await fake.calls("sendMessage")
            #expect(calls.compactMap(\.text) == ["part 1", "part 2", "part 3"])
            for (earlier, later) in zip(calls, calls.dropFirst()) {
                #expect(later.receivedAt - earlier.receivedAt >= .milliseconds(950))
            }
        }
    }

    @Test func onlyOneInstanceSendsForABotAtATime() async throws {
        try await LoyaltyFixture.with { fixture in
            let first = OutboxStore(database: fixture.database, logger: fixture.logger)
            let second = OutboxStore(database: fixture.database, logger: fixture.logger)
            let secondWhileFirstLeads = try await first.whileLeader(of: .client) {
                try await second.whileLeader(of: .client) { true }
            }
            #expect(secondWhileFirstLeads == .some(nil))
            #expect(try await second.whileLeader(of: .client) { true } == true)
            #expect(try await second.whileLeader(of: .staff) { true } == true)
        }
    }
}

@Suite struct OutboxSenderLiveSettingsTests {
    /// The owner changes the café's time zone in the panel while the sender leads: the next
    /// messages follow it without a restart (the rate is re-read the same way).
    @Test func theSenderTakesInANewTimeZoneWhileItRuns() async throws {
        try await LoyaltyFixture.with { fixture in
            try await FakeTelegramBotAPI.withRunning { fake in
                var settings = OutboxSender.Settings()
                settings.idlePoll = .milliseconds(20)
                settings.liveRefresh = .milliseconds(50)
                let stores = Store(database: fixture.database, logger: fixture.logger) { PaymentCode(number: 1) }.pool
                let sender = OutboxSender(
                    bot: .client, store: OutboxStore(database: fixture.database, logger: fixture.logger),
                    api: BotAPIClient(http: .shared, baseURL: fake.baseURL, token: "123:abc"), clock: .system, settings: settings,
                    logger: fixture.logger,
                    live: {
                        let current = try await stores.settings()
                        let renderer = NotificationRenderer(timeZone: TimeZone(identifier: current.timeZone)!)
                        return OutboxSender.Live(messagesPerSecond: current.broadcastMessagesPerSecond, render: renderer.render)
                    }
                )
                let maria = try await fixture.guest()
                // 22:30 UTC on the 25th is already the 26th in Moscow.
                let drink = try await fixture.count("SELECT id::int FROM gift_catalog WHERE slug = 'drink'")
                let late = Date(timeIntervalSince1970: 1_798_237_800).addingTimeInterval(-30 * 24 * 3600)  // valid 30 days
                let leader = Task { try await sender.leadAndSend() }
                defer { leader.cancel() }

                _ = try await fixture.store.issueGift(customerID: maria.id, catalogID: Int64(drink), reason: "one", by: .system, at: late)
                try await waitFor { await fake.calls("sendMessage").count == 1 }
                _ = try await fixture.count("UPDATE settings SET value = '\"UTC\"' WHERE key = 'time_zone' RETURNING 1")
                try await Task.sleep(for: .milliseconds(150))
                _ = try await fixture.store.issueGift(customerID: maria.id, catalogID: Int64(drink), reason: "two", by: .system, at: late)
                try await waitFor { await fake.calls("sendMessage").count == 2 }

                let texts = await fake.calls("sendMessage").compactMap(\.text)
                try #require(texts.count == 2)
                #expect(texts[0].contains("26.12.2026"))
                #expect(texts[1].contains("25.12.2026"))
            }
        }
    }

    func waitFor(_ condition: @Sendable () async -> Bool) async throws {
        let end = ContinuousClock.now + .seconds(10)
        while await !condition() {
            guard ContinuousClock.now < end else {
                Issue.record("timed out")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
