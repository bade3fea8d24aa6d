import CremaTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Store
import Testing

/// The generated partner API over real HTTP routing, with real keys, limits and idempotency.
@Suite struct PartnerAPITests {
    func withAPI<Result: Sendable>(
        scopes: Set<String> = APIKeyStore.scopes, environment: [String: String] = [:],
        _ body: @Sendable (TestApp, APIClient, LoyaltyFixture) async throws -> Result
    ) async throws -> Result {
        try await TestApp.with(environment: environment) { app, client in
            let key = try await APIClient.createKey(in: app.database, scopes: scopes)
            return try await body(app, APIClient(client: client, key: key), try await LoyaltyFixture.over(app.database))
        }
    }

    @Test func partOfAnOrderIsRefundedOnceAndTheProfileShowsExpiringPoints() async throws {
        try await withAPI { app, api, fixture in
            _ = try await fixture.count("UPDATE settings SET value = to_jsonb(6) WHERE key = 'points_validity_months' RETURNING 1")
            let guest = try await fixture.guest()
            let sale = try await fixture.sell(to: guest, rubles: 1_000, by: try await fixture.staff(.barista))
            let profile = try await api.get("/api/v1/customers/111111111")
            #expect((profile.json["next_expiry"] as? [String: Any])?["on"] as? String == "2027-05-25")
            #expect((profile.json["next_expiry"] as? [String: Any])?["points"] as? Int == 10)

            let body: [String: Any] = ["amount_kopecks": 30_000, "reason": "one cappuccino returned"]
            let refunded = try await api.post("/api/v1/orders/\(sale.orderID)/refunds", json: body, idempotencyKey: "refund-1")
            #expect(refunded.status == 201, "\(refunded.text)")
            #expect(refunded.int("points_taken_back") == 3 && refunded.int("balance_after") == 7)
            #expect(refunded.int("refunded_total_kopecks") == 30_000)
            let replay = try await api.post("/api/v1/orders/\(sale.orderID)/refunds", json: body, idempotencyKey: "refund-1")
            #expect(replay.status == 201 && replay.int("id") == refunded.int("id"))
            let order = try await api.get("/api/v1/orders/\(sale.orderID)")
            #expect(order.int("refunded_kopecks") == 30_000 && order.json["cancelled"] as? Bool == false)
            let tooMuch = try await api.post(
                "/api/v1/orders/\(sale.orderID)/refunds", json: ["amount_kopecks": 80_000, "reason": "all"], idempotencyKey: "refund-2")
            #expect(tooMuch.status == 409 && tooMuch.code == "refund_above_order", "\(tooMuch.text)")
            let zero = try await api.post(
                "/api/v1/orders/\(sale.orderID)/refunds", json: ["amount_kopecks": 0, "reason": "none"], idempotencyKey: "refund-3")
            #expect(zero.status == 400)
            let unknown = try await api.post("/api/v1/orders/999999/refunds", json: body, idempotencyKey: "refund-4")
            #expect(unknown.status == 404)
            #expect(try await fixture.count("SELECT count(*)::int FROM order_refunds") == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func theOriginalFlowWorksEndToEnd() async throws {
        try await withAPI { app, api, fixture in
            let registered = try await api.post(
                "/api/v1/customers",
                json: [
                    "telegram_id": 111_111_111, "phone": "8 (900) 000-00-00", "first_name": "Мария", "birth_date": "1995-03-14",
                ])
            #expect(registered.status == 201, "\(registered.text)")
            #expect(registered.json["phone"] as? String == "+79000000000")
            #expect(registered.json["tier"] as? String == "standard")
            #expect(registered.int("spend_to_next_tier_kopecks") == 1_500_000)

            let profile = try await api.get("/api/v1/customers/111111111")
            #expect(profile.status == 200 && profile.int("balance") == 0)
            let byPhone = try await api.get("/api/v1/customers?phone=%2B79000000000")
            #expect(byPhone.status == 200 && byPhone.int("telegram_id") == 111_111_111)

            let code = try await api.post("/api/v1/customers/111111111/codes")
            #expect(code.status == 201)
            let digits = try #require(code.json["code"] as? String)

            let quote = try await api.post("/api/v1/orders/quote", json: ["code": digits, "amount_kopecks": 125_000])
            #expect(quote.status == 200 && quote.int("points_earned") == 12)
            let order = try await api.post("/api/v1/orders", json: ["code": digits, "amount_kopecks": 125_000], idempotencyKey: "order-1")
            #expect(order.status == 201, "\(order.text)")
            let orderID = try #require(order.int("id"))
            #expect(order.int("balance_after") == 12)

            let review = try await api.post(
                "/api/v1/feedback/reviews", json: ["telegram_id": 111_111_111, "order_id": orderID, "rating": 9, "text": "Вкусно"])
            #expect(review.status == 201 && review.json["kind"] as? String == "review")
            let idea = try await api.post("/api/v1/feedback/ideas", json: ["telegram_id": 111_111_111, "text": "Овсяное молоко"])
            #expect(idea.status == 201)
            #expect(try await fixture.count("SELECT count(*)::int FROM feedback WHERE channel = 'api'") == 2)
            #expect(try await fixture.count("SELECT count(*)::int FROM orders WHERE actor_kind = 'api_key'") == 1)

            let fetched = try await api.get("/api/v1/orders/\(orderID)")
            #expect(fetched.status == 200 && fetched.json["cancelled"] as? Bool == false)
            let cancelled = try await api.post(
                "/api/v1/orders/\(orderID)/cancel", json: ["reason": "wrong amount"], idempotencyKey: "cancel-1")
            #expect(cancelled.status == 200 && cancelled.int("points_taken_back") == 12)
            let again = try await api.post("/api/v1/orders/\(orderID)/cancel", json: ["reason": "wrong amount"], idempotencyKey: "cancel-2")
            #expect(again.status == 409 && again.code == "already_cancelled")
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func keysAreCheckedAndScopesEnforced() async throws {
        try await withAPI(scopes: ["customers:read"]) { app, api, fixture in
            let anonymous = APIClient(client: api.client, key: nil)
            let missing = try await anonymous.get("/api/v1/customers/1")
            #expect(missing.status == 401 && missing.code == "unauthorized")
            #expect(missing.headers[.contentType] == "application/problem+json")
            let wrong = APIClient(client: api.client, key: "crema_nope_nothing")
            #expect(try await wrong.get("/api/v1/customers/1").status == 401)

            let forbidden = try await api.post("/api/v1/customers", json: ["telegram_id": 5, "phone": "+79000000005", "first_name": "A"])
            #expect(forbidden.status == 403 && forbidden.code == "missing_scope")
            #expect(forbidden.json["detail"] as? String == "This key lacks the scope customers:write.")
            #expect(try await api.get("/api/v1/customers/1").status == 404)

            let revoked = try await APIKeyStore(database: app.database, logger: fixture.logger).revoke(
                prefix: "crema_test0001", by: "test", at: TestDefaults.now)
            #expect(revoked)
            #expect(try await api.get("/api/v1/customers/1").status == 401)
        }
    }

    @Test func badInputIsA400ThatNamesTheField() async throws {
        try await withAPI { _, api, _ in
            let phone = try await api.post("/api/v1/customers", json: ["telegram_id": 5, "phone": "not a phone", "first_name": "A"])
            #expect(phone.status == 400 && phone.json["field"] as? String == "phone")
            let missing = try await api.post("/api/v1/customers", json: ["telegram_id": 5, "phone": "+79000000005"])
            #expect(missing.status == 400)
            #expect((missing.json["detail"] as? String)?.contains("first_name") == true)
            let garbage = try await api.send(.post, "/api/v1/customers", body: Data("{not json".utf8))
            #expect(garbage.status == 400 && garbage.code == "invalid_request")
            let xml = try await api.send(.post, "/api/v1/customers", body: Data("<a/>".utf8), headers: [.contentType: "application/xml"])
            #expect(xml.status == 415 && xml.code == "unsupported_media_type")
            #expect(xml.json["detail"] as? String == "Send the body as application/json.")
            let date = try await api.post(
                "/api/v1/customers", json: ["telegram_id": 5, "phone": "+79000000005", "first_name": "A", "birth_date": "1990-02-30"])
            #expect(date.status == 400 && date.json["field"] as? String == "birth_date")
            let both = try await api.post("/api/v1/orders/quote", json: ["amount_kopecks": 100])
            #expect(both.status == 400 && both.json["field"] as? String == "code")
            let huge = try await api.send(.post, "/api/v1/feedback/ideas", body: Data(repeating: 0x20, count: 70_000))
            #expect(huge.status == 413)
        }
    }

    @Test func anIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherBody() async throws {
        try await withAPI { _, api, fixture in
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let body: [String: Any] = ["code": code.digits, "amount_kopecks": 50_000]
            let first = try await api.post("/api/v1/orders", json: body, idempotencyKey: "k-1")
            let replay = try await api.post("/api/v1/orders", json: body, idempotencyKey: "k-1")
            #expect(first.status == 201)
            #expect(replay.status == 201 && replay.body == first.body)
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(first.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
            // The order carries the key itself: a sale leaves no separate record to claim and complete.
            #expect(try await fixture.count("SELECT count(*)::int FROM idempotency_records") == 0)
            let other = try await api.post("/api/v1/orders", json: ["code": code.digits, "amount_kopecks": 60_000], idempotencyKey: "k-1")
            #expect(other.status == 422 && other.code == "idempotency_key_reused")
            let none = try await api.post("/api/v1/orders", json: body)
            #expect(none.status == 400 && none.json["field"] as? String == "Idempotency-Key")
            // A refusal is stored too: the same retry gets the same 404.
            let refused = try await api.post("/api/v1/orders", json: ["code": "999999", "amount_kopecks": 100], idempotencyKey: "k-2")
            let refusedAgain = try await api.post("/api/v1/orders", json: ["code": "999999", "amount_kopecks": 100], idempotencyKey: "k-2")
            #expect(refused.status == 404, "\(refused.text)")
            #expect(refusedAgain.status == 404 && refused.body == refusedAgain.body, "\(refusedAgain.status) \(refusedAgain.text)")
            #expect(refusedAgain.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await fixture.count("SELECT count(*)::int FROM idempotency_records WHERE status_code = 404") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM orders") == 1)
        }
    }

    /// A sale whose key is still "in flight" (a double submit, or an attempt that died with its
    /// database) runs again instead of answering 409: the engine's own key makes one order of all.
    @Test func concurrentSalesWithOneKeyMakeOneOrderAndAllSayWhichOne() async throws {
        try await withAPI { _, api, fixture in
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let body = try JSONSerialization.data(withJSONObject: ["code": code.digits, "amount_kopecks": 50_000])
            let answers = try await withThrowingTaskGroup(of: APIAnswer.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await api.send(.post, "/api/v1/orders", body: body, headers: [HTTPField.Name("Idempotency-Key")!: "twice"])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 201 }, "\(answers.map { "\($0.status) \($0.text)" })")
            #expect(Set(answers.compactMap { $0.int("id") }).count == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM orders") == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func registrationsAreLimitedPerKeyAcrossTwoInstances() async throws {
        try await withTestDatabase { url in
            let first = try TestApp(databaseURL: url)
            let second = try TestApp(databaseURL: url)
            try await first.application().test(.router) { clientA in
                // The app runs its PostgreSQL client only while it is under test.
                let key = try await APIClient.createKey(in: first.database)
                try await second.application().test(.router) { clientB in
                    var statuses: [Int] = []
                    for index in 0..<6 {
                        let api = APIClient(client: index.isMultiple(of: 2) ? clientA : clientB, key: key)
                        let answer = try await api.post(
                            "/api/v1/customers",
                            json: [
                                "telegram_id": 1000 + index, "phone": "+7900100000\(index)", "first_name": "G\(index)",
                            ])
                        statuses.append(answer.status)
                        if answer.status == 429 {
                            #expect(answer.code == "rate_limited")
                            #expect(Int(answer.headers[.retryAfter] ?? "") ?? 0 >= 1)
                        }
                    }
                    #expect(statuses == [201, 201, 201, 201, 201, 429])
                }
            }
        }
    }

    @Test func giftsCanBeListedGivenAndRedeemed() async throws {
        try await withAPI { _, api, fixture in
            _ = try await fixture.guest()
            let catalog = try await api.get("/api/v1/gifts/catalog")
            let items = try #require(catalog.json["items"] as? [[String: Any]])
            let drink = try #require(items.first { $0["slug"] as? String == "drink" }?["id"] as? Int)
            let issued = try await api.post(
                "/api/v1/gifts", json: ["telegram_id": 111_111_111, "catalog_id": drink, "reason": "welcome"], idempotencyKey: "g-1")
            #expect(issued.status == 201)
            let giftID = try #require(issued.int("id"))
            let listed = try await api.get("/api/v1/customers/111111111/gifts")
            #expect((listed.json["items"] as? [[String: Any]])?.count == 1)
            let redeemed = try await api.post("/api/v1/gifts/\(giftID)/redeem", json: [String: Any](), idempotencyKey: "r-1")
            #expect(redeemed.status == 200 && redeemed.json["redeemed_at"] != nil, "\(redeemed.text)")
            let twice = try await api.post("/api/v1/gifts/\(giftID)/redeem", json: [String: Any](), idempotencyKey: "r-2")
            #expect(twice.status == 409 && twice.code == "gift_already_redeemed")
        }
    }

    @Test func ordersPageByKeysetAndAnalyticsSummarise() async throws {
        try await withAPI { _, api, fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            for rubles in [100, 200, 300] as [Int64] { try await fixture.sell(to: maria, rubles: rubles, by: barista) }
            let page = try await api.get("/api/v1/customers/111111111/orders?limit=2")
            let items = try #require(page.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            let next = try #require(page.int("next_before"))
            let rest = try await api.get("/api/v1/customers/111111111/orders?limit=2&before=\(next)")
            #expect((rest.json["items"] as? [[String: Any]])?.count == 1 && rest.json["next_before"] == nil)

            let summary = try await api.get("/api/v1/analytics/summary?from=2026-11-01&to=2026-11-30")
            #expect(summary.status == 200, "\(summary.text)")
            #expect(summary.int("orders") == 3 && summary.int("revenue_kopecks") == 60_000 && summary.int("points_issued") == 6)
            #expect((summary.json["tier_distribution"] as? [String: Any])?["standard"] as? Int == 1)
            let backwards = try await api.get("/api/v1/analytics/summary?from=2026-12-01&to=2026-11-01")
            #expect(backwards.status == 400 && backwards.json["field"] as? String == "from")
        }
    }

    @Test func theContractAndDocsAreServedAndCORSFollowsTheList() async throws {
        try await withAPI(environment: ["CORS_ALLOWED_ORIGINS": "https://pos.example.com"]) { _, api, _ in
            let contract = try await api.get("/openapi.yaml")
            #expect(contract.status == 200 && contract.text.hasPrefix("openapi: 3.1.0"))
            let docs = try await api.get("/docs")
            #expect(docs.status == 200 && docs.text.contains("/docs/swagger-ui-bundle.js"))
            #expect(try await api.get("/docs/swagger-ui-bundle.js").status == 200)

            let preflight = try await api.send(
                .options, "/api/v1/orders", body: nil,
                headers: [
                    .origin: "https://pos.example.com", .accessControlRequestMethod: "POST",
                ])
            #expect(preflight.status == 204)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://pos.example.com")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Idempotency-Key") == true)
            let foreign = try await api.send(
                .options, "/api/v1/orders", body: nil,
                headers: [
                    .origin: "https://evil.example.com", .accessControlRequestMethod: "POST",
                ])
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test func docsAreOffInProductionUnlessEnabled() async throws {
        let production = [
            "APP_ENV": "prod", "PUBLIC_BASE_URL": "https://crema.example.com",
            "TELEGRAM_CLIENT_BOT_TOKEN": "1:a", "TELEGRAM_STAFF_BOT_TOKEN": "2:b",
            "TELEGRAM_CLIENT_WEBHOOK_SECRET": String(repeating: "c", count: 32),
            "TELEGRAM_STAFF_WEBHOOK_SECRET": String(repeating: "s", count: 32),
        ]
        try await withAPI(environment: production) { _, api, _ in
            let docs = try await api.get("/docs")
            let contract = try await api.get("/openapi.yaml")
            #expect(docs.status == 404)
            #expect(contract.status == 200)
        }
        try await withAPI(environment: production.merging(["DOCS_ENABLED": "true"]) { $1 }) { _, api, _ in
            let docs = try await api.get("/docs")
            #expect(docs.status == 200)
        }
    }
}
