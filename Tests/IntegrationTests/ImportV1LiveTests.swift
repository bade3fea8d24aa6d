import CremaTestSupport
import Foundation
import PostgresNIO
import Store
import Testing

/// The import as the owner runs it (`crema import-v1`), and its guests in the bots right after.
@Suite struct ImportV1LiveTests {
    @Test func anImportedGuestOpensTheBotAndSeesTheirCafeAsTheyLeftIt() async throws {
        try await V1Database.with(ImportV1Tests.messyCafe) { source in
            try await TestApp.with { app, client in
                _ = try await ImportV1Tests.importing(source, into: app.database)
                let anna = BotUser(
                    client: client, secret: app.configuration.telegram.clientWebhookSecret, userID: 1_000_001, firstName: "Анна")
                let start = try await anna.send(text: "/start")
                #expect(start.keyboardButtons.contains("👤 Профиль"), "\(start.text ?? "")")
                let profile = try #require(try await anna.send(text: "Профиль").text)
                #expect(profile.contains("Уровень: Серебро"))
                #expect(profile.contains("Баланс: 340 баллов"))
                #expect(profile.contains("До уровня «Золото» осталось 39\u{202F}000 ₽ покупок."))
                #expect(profile.contains("🎁 Напиток — до 25.12.2026"))
            }
        }
    }

    @Test func aRunKilledMidwayEndsInTheSameStateWhenRunAgain() async throws {
        try await V1Database.with(try V1Database.generated(guests: 2_000, orders: 40_000)) { source in
            try await withTestDatabase { killed in
                try await withTestDatabase { reference in
                    let arguments = ["import-v1", "--from", source.string, "--batch-size", "200"]
                    let interrupted = try CremaProcess(arguments, environment: Self.environment(killed))
                    let ordersAtKill = try await Self.waitForOrders(in: killed, whileRunning: interrupted)
                    interrupted.signal(SIGKILL)
                    _ = try await interrupted.waitForExit()
                    #expect(ordersAtKill > 0 && ordersAtKill < 40_000, "the kill came at \(ordersAtKill) orders")

                    let rerun = try await CremaProcess.run(arguments, environment: Self.environment(killed), timeout: .seconds(300))
                    #expect(rerun.status == 0, "\(rerun.stderr)")
                    #expect(rerun.stdout.contains("reconciled: every point and ruble is accounted for"))
                    let whole = try await CremaProcess.run(arguments, environment: Self.environment(reference), timeout: .seconds(300))
                    #expect(whole.status == 0, "\(whole.stderr)")
                    #expect(whole.stdout.contains("v1 import into location main: done"))

                    let (after, expected) = (try await Self.state(of: killed), try await Self.state(of: reference))
                    #expect(after == expected)
                    #expect(after.contains("customers 2000 "), "\(after)")
                    let check = try await CremaProcess.run(["check-ledger"], environment: Self.environment(killed))
                    #expect(check.status == 0, "\(check.stdout)")
                }
            }
        }
    }

    static func environment(_ target: DatabaseURL) -> [String: String] {
        ["DATABASE_URL": target.string, "LOG_LEVEL": "error"]
    }

    /// Polls until the first orders have landed (the guests are in, the orders under way).
    static func waitForOrders(in target: DatabaseURL, whileRunning process: CremaProcess) async throws -> Int {
        try await RunningDatabase.with(url: target, maximumConnections: 1) { database in
            let fixture = try await LoyaltyFixture.over(database)
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline, process.isRunning {
                let orders = try await fixture.count("SELECT count(*) FROM orders")
                if orders > 0 { return orders }
                try await Task.sleep(for: .milliseconds(5))
            }
            return 0
        }
    }

    /// Everything the import writes, summed: two databases that agree here hold the same café.
    static func state(of target: DatabaseURL) async throws -> String {
        try await RunningDatabase.with(url: target, maximumConnections: 1) { database in
            try await database.withConnection(logger: .init(label: "crema.test.import")) { connection in
                let row = try await connection.query(
                    """
                    SELECT format('customers %s balance %s spend %s tiers %s ledger %s/%s lots %s/%s orders %s/%s staff %s gifts %s feedback %s',
                        (SELECT count(*) FROM customers), (SELECT sum(points_balance) FROM customers),
                        (SELECT sum(qualification_spend_kopecks) FROM customers),
                        (SELECT string_agg(tier || '=' || n, ',' ORDER BY tier) FROM (SELECT tier, count(*) n FROM customers GROUP BY tier) t),
                        (SELECT count(*) FROM points_ledger), (SELECT sum(points) FROM points_ledger),
                        (SELECT count(*) FROM point_lots), (SELECT sum(remaining) FROM point_lots),
                        (SELECT count(*) FROM orders), (SELECT sum(amount_kopecks) FROM orders),
                        (SELECT count(*) FROM staff), (SELECT count(*) FROM customer_gifts), (SELECT count(*) FROM feedback))
                    """, logger: .init(label: "crema.test.import")
                ).collect()
                return try row.first?.decode(String.self) ?? ""
            }
        }
    }
}
