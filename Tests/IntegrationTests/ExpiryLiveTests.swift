import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// Two real `crema serve` instances with their background jobs, on the day some points expire:
/// the expiry and the reminder go out by themselves, each exactly once, in the guest's language.
@Suite struct ExpiryLiveTests {
    /// 2027-02-28 09:00 in Moscow.
    static let morning = Date(timeIntervalSince1970: 1_803_794_400)
    static let day: TimeInterval = 86_400

    @Test(.timeLimit(.minutes(3)))
    func twoServedInstancesExpirePointsAndRemindGuestsOnceWithNoOneAsking() async throws {
        try await withTestDatabase { url in
            try await FakeTelegramBotAPI.withRunning { fake in
                try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    _ = try await fixture.count("UPDATE settings SET value = to_jsonb(1) WHERE key = 'points_validity_months' RETURNING 1")
                    let barista = try await fixture.staff(.barista)
                    let maria = try await fixture.guest(111_111_111, name: "Мария")
                    try await fixture.sell(to: maria, rubles: 1_000, by: barista, at: Self.morning.addingTimeInterval(-31 * Self.day))
                    let leo = try await fixture.store.registerCustomer(
                        .init(telegramID: 222_222_222, phone: PhoneNumber(normalizing: "+79002222222")!, firstName: "Leo", language: .en),
                        at: Self.morning.addingTimeInterval(-30 * Self.day))
                    try await fixture.sell(to: leo, rubles: 500, by: barista, at: Self.morning.addingTimeInterval(-21 * Self.day))
                    // The receipts went out weeks ago.
                    _ = try await fixture.count("WITH gone AS (DELETE FROM outbox RETURNING 1) SELECT count(*)::int FROM gone")
                }

                var servers: [CremaProcess] = []
                for _ in 0..<2 {
                    let port = try await ClusterScript.freePort()
                    servers.append(
                        try CremaProcess(
                            ["serve"],
                            environment: [
                                "APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "warning",
                                "TELEGRAM_API_BASE_URL": fake.baseURL.absoluteString, "TELEGRAM_CLIENT_BOT_TOKEN": "111:client",
                                "CREMA_TEST_CLOCK_START": "2027-02-28T06:00:00Z", "DATABASE_POOL_SIZE": "4",
                            ]))
                }
                defer { for server in servers { server.signal(SIGTERM) } }

                let messages = try await fake.messages(atLeast: 2)
                #expect(messages.count == 2)
                #expect(
                    messages.first { $0.chatID == 111_111_111 }?.text
                        == "10 баллов сгорели 28.02.2027: закончился срок их действия.\nБаланс: 0 баллов")
                #expect(
                    messages.first { $0.chatID == 222_222_222 }?.text
                        == "⏳ 5 points expire on 07.03.2027. Use your points before then — see you soon!")

                try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    #expect(try await fixture.count("SELECT count(*)::int FROM points_ledger WHERE kind = 'expiry'") == 1)
                    #expect(try await fixture.count("SELECT count(*)::int FROM point_lots WHERE reminded_at IS NOT NULL") == 1)
                    #expect(try await fixture.checkLedger().isClean)
                }
            }
        }
    }
}
