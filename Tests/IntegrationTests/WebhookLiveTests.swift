import CremaTestSupport
import Foundation
import Store
import Testing

/// Partner webhooks sent by the real `crema serve` (its background jobs), through an instance
/// killed while a delivery is on the wire.
@Suite struct WebhookLiveTests {
    static let secret = "whsec_" + String(repeating: "s", count: 40)

    /// The first delivery hangs at the partner; the instance sending it is killed with SIGKILL
    /// (no clean shutdown, its claim still held). Another instance takes over: every event
    /// arrives, each guest's in the order it happened, and nothing is left undelivered.
    @Test(.timeLimit(.minutes(4)))
    func anInstanceKilledMidDeliveryLosesNothing() async throws {
        try await withTestDatabase { url in
            try await WebhookReceiver.withRunning { receiver in
                try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    _ = try await WebhookStore(database: database, logger: fixture.logger).create(
                        url: receiver.url.absoluteString, events: ["customer.registered", "order.confirmed"], secret: Self.secret,
                        description: "Касса", createdBy: "admin:owner", at: Date())
                }
                await receiver.answerNext(.stall(.seconds(40)))
                let first = try await Self.serve(url)
                defer { if first.isRunning { first.signal(SIGKILL) } }

                let expected = try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    let barista = try await fixture.staff(.barista)
                    var expected: [Int: [String]] = [:]
                    for (index, telegramID) in [3_000_001, 3_000_002, 3_000_003].enumerated() {
                        let guest = try await fixture.guest(Int64(telegramID))
                        let sale = try await fixture.sell(to: guest, rubles: Int64(200 + 100 * index), by: barista, at: Date())
                        expected[Int(guest.id)] = ["customer.registered", "order.confirmed \(sale.orderID)"]
                    }
                    return expected
                }
                let deadline = ContinuousClock.now + .seconds(60)
                while await receiver.arrivals() == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(await receiver.arrivals() > 0, "the first instance never sent")
                first.signal(SIGKILL)
                _ = try await first.waitForExit()

                let second = try await Self.serve(url)
                defer { second.signal(SIGTERM) }
                // The killed instance's claim runs out after its lease (60 s); then the rest follow.
                let accepted = try await receiver.accepted(atLeast: 6, within: .seconds(150))
                let deliveries = try await RunningDatabase.with(url: url) { database in
                    try await LoyaltyFixture.over(database).text(
                        "SELECT string_agg(status || '/' || attempts || '/' || coalesce(last_error, '-'), ', ' ORDER BY id) FROM webhook_deliveries"
                    )
                }
                let arrivals = await receiver.arrivals()
                #expect(
                    accepted.count >= 6,
                    """
                    \(arrivals) requests reached the receiver; deliveries: \(deliveries ?? "none"); \
                    the second instance (running: \(second.isRunning)) said: \(second.stderrSoFar.suffix(3_000))
                    """)
                #expect(Set(accepted.map(\.eventID)).count == 6)
                for (guest, events) in expected {
                    let arrived = accepted.filter { Self.guestID(of: $0) == guest }.map(Self.summary)
                    #expect(Self.firstArrivals(arrived) == events, "guest \(guest): \(arrived)")
                }
                for delivery in accepted {
                    #expect(WebhookReceiver.verify(delivery, secret: Self.secret, now: Date()) == nil)
                }
                try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    #expect(try await fixture.count("SELECT count(*)::int FROM webhook_deliveries WHERE status = 'delivered'") == 6)
                    #expect(try await fixture.count("SELECT count(*)::int FROM webhook_deliveries WHERE status <> 'delivered'") == 0)
                }
            }
        }
    }

    static func serve(_ url: DatabaseURL) async throws -> CremaProcess {
        let port = try await ClusterScript.freePort()
        return try CremaProcess(
            ["serve"],
            environment: [
                "APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "warning", "DATABASE_POOL_SIZE": "4",
            ])
    }

    static func guestID(of delivery: WebhookReceiver.Delivery) -> Int? {
        delivery.type == "customer.registered" ? delivery.data["id"] as? Int : delivery.data["customer_id"] as? Int
    }

    static func summary(of delivery: WebhookReceiver.Delivery) -> String {
        delivery.type == "order.confirmed" ? "order.confirmed \(delivery.data["id"] as? Int ?? 0)" : delivery.type
    }

    /// At least once: an event may arrive again after a lost answer, so order is judged by first
    /// arrivals.
    static func firstArrivals(_ events: [String]) -> [String] {
        var seen: Set<String> = []
        return events.filter { seen.insert($0).inserted }
    }
}
