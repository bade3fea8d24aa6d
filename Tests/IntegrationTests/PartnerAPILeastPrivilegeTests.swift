import CremaTestSupport
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Store
import Testing

/// The security review's M1 and M2, made as the demonstrating requests: a key reaches its own
/// location only unless made chain-wide, and spending a guest's points or gifts needs the guest.
@Suite struct PartnerAPILeastPrivilegeTests {
    static let everydayScopes: Set<String> = APIKeyStore.scopes.subtracting([APIKey.redeemWithoutCode])

    func withTwoLocations<Result: Sendable>(
        _ body: @Sendable (TestApp, any TestClientProtocol, LoyaltyFixture, Int64) async throws -> Result
    ) async throws -> Result {
        try await TestApp.with { app, client in
            let fixture = try await LoyaltyFixture.over(app.database)
            let north = Int64(try await fixture.count("INSERT INTO locations (slug, name) VALUES ('north', 'Север') RETURNING id::int"))
            return try await body(app, client, fixture, north)
        }
    }

    @Test func aLocationsKeyNeitherReadsNorCancelsAnotherLocationsOrder() async throws {
        try await withTwoLocations { app, client, fixture, north in
            let northKey = APIClient(
                client: client,
                key: try await APIClient.createKey(
                    in: app.database, scopes: Self.everydayScopes, prefix: "crema_north001", location: "north"))
            let chain = APIClient(
                client: client, key: try await APIClient.createKey(in: app.database, prefix: "crema_chain001", chainWide: true))
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let mainOrder = try await fixture.sell(to: maria, rubles: 500, by: barista).orderID

            #expect(try await northKey.get("/api/v1/orders/\(mainOrder)").status == 404)
            let cancel = try await northKey.post(
                "/api/v1/orders/\(mainOrder)/cancel", json: ["reason": "x"], idempotencyKey: "c-main")
            #expect(cancel.status == 404 && cancel.code == "order_not_found")
            #expect(try await fixture.count("SELECT count(*)::int FROM order_cancellations") == 0)
            #expect(try await chain.get("/api/v1/orders/\(mainOrder)").status == 200)

            // Its own location's order it reads and cancels.
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let own = try await northKey.post(
                "/api/v1/orders", json: ["code": code.digits, "amount_kopecks": 30_000], idempotencyKey: "o-north")
            let ownID = try #require(own.int("id"))
            #expect(try await fixture.count("SELECT location_id::int FROM orders WHERE id = \(ownID)") == Int(north))
            #expect(try await northKey.get("/api/v1/orders/\(ownID)").status == 200)
            #expect(try await northKey.post("/api/v1/orders/\(ownID)/cancel", json: ["reason": "x"], idempotencyKey: "c-own").status == 200)

            // A new code voids the guest's own: only for the location's guests.
            let petr = try await fixture.guest(222_222_222, name: "Пётр")
            _ = try await fixture.sell(to: petr, rubles: 100, by: barista)
            #expect(try await northKey.post("/api/v1/customers/222222222/codes").status == 404)
            #expect(try await chain.post("/api/v1/customers/222222222/codes").status == 201)
        }
    }

    @Test func spendingByTelegramIdNeedsTheGuestsCodeOrTheScopeMadeForIt() async throws {
        try await withTwoLocations { app, client, fixture, _ in
            let api = APIClient(client: client, key: try await APIClient.createKey(in: app.database, scopes: Self.everydayScopes))
            let maria = try await fixture.guest()
            let manager = try await fixture.staff(.manager)
            _ = try await fixture.sell(to: maria, rubles: 50_000, by: manager)  // 500 points
            let drain = try await api.post(
                "/api/v1/orders", json: ["telegram_id": 111_111_111, "amount_kopecks": 10_000_000, "redeem": ["mode": "max"]],
                idempotencyKey: "drain-111")
            #expect(drain.status == 403 && drain.code == "code_required")
            let earn = try await api.post(
                "/api/v1/orders", json: ["telegram_id": 111_111_111, "amount_kopecks": 30_000], idempotencyKey: "earn-111")
            #expect(earn.status == 201)
            #expect((try await fixture.store.customer(id: maria.id)?.account.balance ?? 0) > 500, "nothing was spent")

            let trusted = APIClient(
                client: client, key: try await APIClient.createKey(in: app.database, prefix: "crema_trust001"))
            let allowed = try await trusted.post(
                "/api/v1/orders", json: ["telegram_id": 111_111_111, "amount_kopecks": 10_000, "redeem": ["mode": "max"]],
                idempotencyKey: "spend-111")
            #expect(allowed.status == 201)
        }
    }

    @Test func writingOffAGiftNeedsItsOwnersCode() async throws {
        try await withTwoLocations { app, client, fixture, _ in
            let api = APIClient(client: client, key: try await APIClient.createKey(in: app.database, scopes: Self.everydayScopes))
            let maria = try await fixture.guest()
            let petr = try await fixture.guest(222_222_222, name: "Пётр")
            let drink = try #require(try await fixture.store.giftCatalog().first)
            let gift = try await fixture.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "x", by: .admin(id: "1"), at: TestDefaults.now)
            let bare = try await api.post("/api/v1/gifts/\(gift.id)/redeem", json: [String: Any](), idempotencyKey: "g1")
            #expect(bare.status == 403 && bare.code == "code_required")
            let petrsCode = try await fixture.store.issueCode(customerID: petr.id, at: TestDefaults.now).code
            let wrongGuest = try await api.post(
                "/api/v1/gifts/\(gift.id)/redeem", json: ["code": petrsCode.digits], idempotencyKey: "g2")
            #expect(wrongGuest.status == 404)
            let mariasCode = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let hers = try await api.post("/api/v1/gifts/\(gift.id)/redeem", json: ["code": mariasCode.digits], idempotencyKey: "g3")
            #expect(hers.status == 200)
        }
    }

    @Test func wrongCodesThroughTheAPIAreThrottledPerKey() async throws {
        try await withTwoLocations { app, client, fixture, _ in
            let api = APIClient(client: client, key: try await APIClient.createKey(in: app.database, scopes: Self.everydayScopes))
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let wrong = code.digits == "000000" ? "000001" : "000000"
            for _ in 0..<5 {
                #expect(try await api.post("/api/v1/orders/quote", json: ["code": wrong, "amount_kopecks": 10_000]).status == 404)
            }
            let slowed = try await api.post("/api/v1/orders/quote", json: ["code": code.digits, "amount_kopecks": 10_000])
            #expect(slowed.status == 429 && slowed.code == "rate_limited")
            #expect(Int(slowed.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }
}
