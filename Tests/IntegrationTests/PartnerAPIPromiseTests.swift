import CremaTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Store
import Testing

/// Partner API promises no test held it to (the mission review's §3.2): the profile-read limit,
/// one order for fifty concurrent sales with one code, and the key's last use.
@Suite struct PartnerAPIPromiseTests {
    func withAPI<Result: Sendable>(
        _ body: @Sendable (TestApp, APIClient, LoyaltyFixture) async throws -> Result
    ) async throws -> Result {
        try await TestApp.with { app, client in
            let key = try await APIClient.createKey(in: app.database, scopes: APIKeyStore.scopes)
            return try await body(app, APIClient(client: client, key: key), try await LoyaltyFixture.over(app.database))
        }
    }

    @Test func profileReadsAreLimitedToThirtyAMinutePerKey() async throws {
        try await withAPI { app, api, fixture in
            _ = try await fixture.guest()
            for number in 1...30 {
                let read =
                    number.isMultiple(of: 2)
                    ? try await api.get("/api/v1/customers/111111111")
                    : try await api.get("/api/v1/customers?phone=%2B79000000000")
                #expect(read.status == 200 || read.status == 404, "read \(number): \(read.status)")
            }
            let limited = try await api.get("/api/v1/customers/111111111")
            #expect(limited.status == 429)
            #expect(limited.json["code"] as? String == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            // Other calls have their own, larger allowance.
            #expect(try await api.get("/api/v1/gifts/catalog").status == 200)
            app.clock.advance(by: 61)
            #expect(try await api.get("/api/v1/customers/111111111").status == 200)
        }
    }

    @Test func fiftyConcurrentSalesWithOneCodeMakeExactlyOneOrder() async throws {
        try await withAPI { _, api, fixture in
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for attempt in 0..<50 {
                    group.addTask {
                        try await api.post(
                            "/api/v1/orders", json: ["code": code.digits, "amount_kopecks": 30_000], idempotencyKey: "till-\(attempt)"
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1)
            // The losers find the code spent (404 or 409); past five such misses the key is slowed
            // down like a barista typing wrong codes (429).
            #expect(statuses.allSatisfy { [201, 404, 409, 429].contains($0) }, "\(Set(statuses))")
            #expect(try await fixture.count("SELECT count(*)::int FROM orders") == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func wrongCodesSlowDownSalesByCodeAndNotSalesNamingTheGuest() async throws {
        try await withAPI { _, api, fixture in
            let maria = try await fixture.guest()
            var statuses: [Int] = []
            for attempt in 0..<6 {
                statuses.append(
                    try await api.post(
                        "/api/v1/orders", json: ["code": "00000\(attempt)", "amount_kopecks": 30_000], idempotencyKey: "guess-\(attempt)"
                    ).status)
            }
            #expect(statuses == [404, 404, 404, 404, 404, 429])
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let byCode = try await api.post(
                "/api/v1/orders", json: ["code": code.digits, "amount_kopecks": 30_000], idempotencyKey: "real")
            #expect(byCode.status == 429)
            // A Telegram id is not a secret to guess: such a sale neither reads nor counts wrong codes.
            let byTelegram = try await api.post(
                "/api/v1/orders", json: ["telegram_id": 111_111_111, "amount_kopecks": 30_000], idempotencyKey: "by-id")
            #expect(byTelegram.status == 201)
            #expect(try await fixture.count("SELECT count(*)::int FROM orders") == 1)
        }
    }

    @Test func aKeysLastUseIsKept() async throws {
        try await withAPI { (app: TestApp, api: APIClient, fixture: LoyaltyFixture) async throws -> Void in
            #expect(try await fixture.count("SELECT count(*)::int FROM api_keys WHERE last_used_at IS NULL") == 1)
            #expect(try await api.get("/api/v1/gifts/catalog").status == 200)
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM api_keys WHERE last_used_at = '2026-11-25T06:00:00Z'::timestamptz") == 1)
            app.clock.advance(by: 3_600)
            #expect(try await api.get("/api/v1/gifts/catalog").status == 200)
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM api_keys WHERE last_used_at = '2026-11-25T07:00:00Z'::timestamptz") == 1)
        }
    }

    @Test func aLongAnalyticsPeriodIsComputedOnceAndSharedForFiveMinutes() async throws {
        try await withAPI { app, api, fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            _ = try await fixture.sell(to: maria, rubles: 300, by: barista)
            let path = "/api/v1/analytics/summary?from=2016-11-25&to=2026-11-25"
            #expect(try await api.get(path).int("orders") == 1)
            _ = try await fixture.sell(to: maria, rubles: 300, by: barista)
            #expect(try await api.get(path).int("orders") == 1, "the same period within five minutes is not scanned again")
            #expect(try await fixture.count("SELECT count(*)::int FROM analytics_cache") == 1)
            app.clock.advance(by: 301)
            #expect(try await api.get(path).int("orders") == 2)
        }
    }
}
