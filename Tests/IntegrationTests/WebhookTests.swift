import CremaTestSupport
import Domain
import Foundation
import Logging
import NIOCore
import Runtime
import Store
import Testing

/// Partner webhooks against a real HTTP receiver: events written with what they report, signed
/// deliveries, retries, order per guest, giving up after a day.
@Suite struct WebhookTests {
    static let secret = "whsec_" + String(repeating: "k", count: 40)

    /// A fixture with one endpoint subscribed to `events` at the receiver, and a sender on a
    /// pinned clock that the test moves.
    func withWebhooks<Result: Sendable>(
        events: [String] = WebhookEndpoint.eventTypes, timeout: TimeAmount = .seconds(10),
        _ body: @Sendable (LoyaltyFixture, WebhookReceiver, WebhookSender, PinnedClockControl, Int64) async throws -> Result
    ) async throws -> Result {
        try await WebhookReceiver.withRunning { receiver in
            try await LoyaltyFixture.with { fixture in
                let (clock, control) = AppClock.pinned(at: TestDefaults.now)
                let endpoint = try await WebhookStore(database: fixture.database, logger: fixture.logger).create(
                    url: receiver.url.absoluteString, events: events, secret: Self.secret, description: "POS",
                    createdBy: "admin:owner", at: TestDefaults.now)
                var settings = WebhookSender.Settings()
                settings.timeout = timeout
                let sender = WebhookSender(
                    queue: WebhookQueue(database: fixture.database, logger: fixture.logger),
                    address: WebhookAddress(environment: .test), clock: clock, settings: settings, logger: fixture.logger,
                    alert: { url, error in
                        String(decoding: try! Notice.webhookDisabled(.init(url: url, error: error)).encoded(), as: UTF8.self)
                    })
                return try await body(fixture, receiver, sender, control, endpoint)
            }
        }
    }

    @Test func eachChangeSendsOneSignedEventInTheOrderItHappened() async throws {
        try await withWebhooks { fixture, receiver, sender, clock, _ in
            let maria = try await fixture.guest(1_234_567)
            let barista = try await fixture.staff(.manager)
            let sale = try await fixture.sell(to: maria, rubles: 16_000, by: barista)
            _ = try await fixture.store.cancelSale(orderID: sale.orderID, by: barista, reason: "ошибка", at: TestDefaults.now)
            #expect(try await sender.sendDue() == 5)

            let delivered = await receiver.accepted()
            // The cancellation and its tier change are written by one statement, in either order.
            #expect(delivered.prefix(3).map(\.type) == ["customer.registered", "order.confirmed", "tier.changed"])
            #expect(delivered.suffix(2).map(\.type).sorted() == ["order.cancelled", "tier.changed"])
            for delivery in delivered {
                #expect(WebhookReceiver.verify(delivery, secret: Self.secret, now: clock.now) == nil)
                #expect(WebhookReceiver.verify(delivery, secret: "whsec_other", now: clock.now) == "signature mismatch")
                #expect(WebhookReceiver.verify(delivery, secret: Self.secret, now: clock.now.addingTimeInterval(301)) == "too old")
                #expect(delivery.json["id"] as? String == delivery.eventID)
            }
            #expect(Set(delivered.map(\.eventID)).count == 5)
            let confirmed = delivered[1].data
            #expect(confirmed["id"] as? Int == Int(sale.orderID) && confirmed["customer_id"] as? Int == Int(maria.id))
            #expect((confirmed["quote"] as? [String: Any])?["amount_kopecks"] as? Int == 1_600_000)
            #expect(delivered[2].data["to"] as? String == "silver")
            #expect(delivered.last { $0.type == "tier.changed" }?.data["to"] as? String == "standard")
            let cancelled = try #require(delivered.first { $0.type == "order.cancelled" })
            #expect((cancelled.data["order"] as? [String: Any])?["cancelled"] as? Bool == true)
            #expect(
                try await fixture.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered' AND last_status_code = 200")
                    == 5)
            #expect(try await sender.sendDue() == 0)
        }
    }

    @Test func onlyTheEventsAnEndpointChoseAreWrittenAndNothingWithoutEndpoints() async throws {
        try await withWebhooks(events: ["order.confirmed"]) { fixture, receiver, sender, _, _ in
            let maria = try await fixture.guest(1_234_568)
            let barista = try await fixture.staff(.barista)
            _ = try await fixture.sell(to: maria, rubles: 300, by: barista)
            #expect(try await sender.sendDue() == 1)
            #expect(await receiver.accepted().map(\.type) == ["order.confirmed"])
            #expect(try await fixture.count("SELECT count(*) FROM webhook_events") == 1)
        }
        try await LoyaltyFixture.with { fixture in
            _ = try await fixture.guest(1_234_569)
            #expect(try await fixture.count("SELECT count(*) FROM webhook_events") == 0)
        }
    }

    @Test func aServerErrorAndATimeoutAreRetriedUntilDelivered() async throws {
        try await withWebhooks(events: ["customer.registered"], timeout: .seconds(10)) { fixture, receiver, sender, clock, _ in
            await receiver.answerNext(.serverError, .stall(.seconds(30)))
            _ = try await fixture.guest(1_234_570)
            #expect(try await sender.sendDue() == 1)
            let first = try await fixture.text(
                "SELECT status || ' ' || coalesce(last_status_code::text, '-') || ' ' || last_error FROM webhook_deliveries")
            #expect(first == "pending 500 HTTP 500")
            clock.advance(by: 10)
            #expect(try await sender.sendDue() == 1)
            #expect(
                try await fixture.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' AND last_error = 'timed out'")
                    == 1)
            clock.advance(by: 29)
            #expect(try await sender.sendDue() == 0)  // the second pause is 30 s
            clock.advance(by: 1)
            #expect(try await sender.sendDue() == 1)
            #expect(try await fixture.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered' AND attempts = 3") == 1)
            let (accepted, arrived) = (await receiver.accepted(), await receiver.deliveries())
            #expect(accepted.count == 1 && Set(arrived.map(\.eventID)).count == 1)
        }
    }

    @Test func anEndpointDownForAnHourGetsEverythingInOrderPerGuestWhenItReturns() async throws {
        try await withWebhooks(events: ["order.confirmed"]) { fixture, receiver, sender, clock, _ in
            await receiver.setDown(true)
            let (anna, boris) = (try await fixture.guest(2_000_001), try await fixture.guest(2_000_002))
            let barista = try await fixture.staff(.barista)
            var expected: [Int64: [Int]] = [:]
            for round in 1...4 {
                for guest in [anna, boris] {
                    let sale = try await fixture.sell(to: guest, rubles: Int64(100 * round), by: barista, at: clock.now)
                    expected[guest.id, default: []].append(Int(sale.orderID))
                }
                _ = try await sender.sendDue()
                clock.advance(by: 15 * 60)
            }
            #expect(await receiver.accepted().isEmpty)
            await receiver.setDown(false)
            clock.advance(by: 3_600)
            for _ in 1...10 where await receiver.accepted().count < 8 {
                _ = try await sender.sendDue()
                clock.advance(by: 3_600)
            }
            let accepted = await receiver.accepted()
            #expect(accepted.count == 8)
            for guest in [anna, boris] {
                let orders = accepted.filter { $0.data["customer_id"] as? Int == Int(guest.id) }.compactMap { $0.data["id"] as? Int }
                #expect(orders == expected[guest.id])
            }
        }
    }

    @Test func aDeliveryFailingForADaySwitchesTheEndpointOffAndTellsTheManagers() async throws {
        try await withWebhooks(events: ["customer.registered"]) { fixture, receiver, sender, clock, endpoint in
            await receiver.setDown(true)
            _ = try await fixture.staff(.manager)
            _ = try await fixture.count("UPDATE staff SET telegram_id = 5550001 WHERE role = 'manager' RETURNING 1")
            _ = try await fixture.guest(1_234_571)
            while clock.now < TestDefaults.now.addingTimeInterval(25 * 3_600) {
                _ = try await sender.sendDue()
                clock.advance(by: 1_800)
            }
            #expect(try await fixture.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'failed'") == 1)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM webhook_endpoints WHERE id = \(endpoint) AND NOT active AND disabled_reason LIKE 'a delivery failed for 24 hours%'"
                ) == 1)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM outbox WHERE bot = 'staff' AND chat_id = 5550001 AND payload->>'template' = 'webhook_disabled'")
                    == 1)
            #expect(
                try await fixture.count("SELECT count(*) FROM audit_log WHERE action = 'webhook.disabled' AND actor_kind = 'system'") == 1)

            // Switched on again, the next event goes out; the failed one can be sent again by hand.
            await receiver.setDown(false)
            let store = WebhookStore(database: fixture.database, logger: fixture.logger)
            #expect(try await store.setActive(endpoint, true, by: "admin:owner", at: clock.now))
            let failed = try #require(try await store.deliveries(endpointID: endpoint).first)
            #expect(try await store.resend(deliveryID: failed.id, of: endpoint, at: clock.now))
            #expect(try await sender.sendDue() == 1)
            #expect(await receiver.accepted().map(\.type) == ["customer.registered"])
        }
    }

    @Test func productionSendsOnlyToPublicHTTPSAddresses() throws {
        let names: [String: [String]] = [
            "hooks.partner.example": ["93.184.216.34"], "inside.example": ["10.1.2.3"], "sneaky.example": ["93.184.216.34", "127.0.0.1"],
            "v6.example": ["::ffff:192.168.1.1"],
        ]
        let prod = WebhookAddress(environment: .prod) { names[$0] ?? [] }
        #expect(throws: Never.self) { try prod.check("https://hooks.partner.example/crema") }
        let refused: [(String, WebhookAddress.Refusal)] = [
            ("http://hooks.partner.example/crema", .httpsRequired),
            ("https://127.0.0.1/hook", .internalAddress("127.0.0.1")),
            ("https://[::1]/hook", .internalAddress("::1")),
            ("https://169.254.169.254/latest/meta-data", .internalAddress("169.254.169.254")),
            ("https://172.20.0.5/hook", .internalAddress("172.20.0.5")),
            ("https://inside.example/hook", .internalAddress("10.1.2.3")),
            ("https://sneaky.example/hook", .internalAddress("127.0.0.1")),
            ("https://v6.example/hook", .internalAddress("::ffff:192.168.1.1")),
            ("https://nowhere.example/hook", .unresolvable("nowhere.example")),
            ("ftp://hooks.partner.example/", .notAURL),
            ("https://user:pass@hooks.partner.example/", .notAURL),
        ]
        for (url, refusal) in refused {
            #expect(throws: refusal, "\(url)") { try prod.check(url) }
        }
        #expect(throws: Never.self) { try WebhookAddress(environment: .test).check("http://127.0.0.1:8080/hooks") }
    }
}
