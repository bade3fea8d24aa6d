import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// Campaigns through the partner API: the quote and the order show each campaign's points, and
/// the campaigns are listed read only.
@Suite struct PartnerAPICampaignTests {
    @Test func theQuoteAndTheOrderShowTheCampaignAndTheListSaysWhatItGranted() async throws {
        try await TestApp.with { app, client in
            let fixture = try await LoyaltyFixture.over(app.database)
            let campaigns = CampaignStore(database: app.database, logger: fixture.logger)
            let doubled = try await campaigns.create(
                name: "Happy hours", multiplier: PointsMultiplier(percent: 200, tiers: [.standard]), createdBy: "admin:owner",
                at: TestDefaults.now)
            let key = try await APIClient.createKey(in: app.database, scopes: APIKeyStore.scopes)
            let api = APIClient(client: client, key: key)
            _ = try await fixture.guest()
            let digits = try #require(try await api.post("/api/v1/customers/111111111/codes").json["code"] as? String)

            let quote = try await api.post("/api/v1/orders/quote", json: ["code": digits, "amount_kopecks": 45_000])
            #expect(quote.status == 200 && quote.int("points_earned") == 9, "\(quote.text)")
            let effects = try #require(quote.json["campaign_effects"] as? [[String: Any]])
            #expect(effects.count == 1 && effects.first?["name"] as? String == "Happy hours" && effects.first?["points"] as? Int == 5)
            #expect(effects.first?["campaign_id"] as? Int == Int(doubled) && effects.first?["version"] as? Int == 1)

            let order = try await api.post("/api/v1/orders", json: ["code": digits, "amount_kopecks": 45_000], idempotencyKey: "o-1")
            #expect(order.status == 201, "\(order.text)")
            let orderID = try #require(order.int("id"))
            try await campaigns.setStatus(doubled, .ended, by: "admin:owner", at: TestDefaults.now)
            // The order keeps what the campaign gave it after the campaign has ended.
            let fetched = try await api.get("/api/v1/orders/\(orderID)")
            let kept = try #require((fetched.json["quote"] as? [String: Any])?["campaign_effects"] as? [[String: Any]])
            #expect(kept.first?["points"] as? Int == 5)

            let listed = try await api.get("/api/v1/campaigns")
            #expect(listed.status == 200)
            let item = try #require((listed.json["items"] as? [[String: Any]])?.first)
            #expect(item["name"] as? String == "Happy hours" && item["status"] as? String == "ended")
            #expect(item["multiplier_percent"] as? Int == 200 && item["tiers"] as? [String] == ["standard"])
            #expect(item["sales"] as? Int == 1 && item["points_granted"] as? Int == 5)

            _ = try await campaigns.create(
                name: "Friends",
                rule: .referral(ReferralReward(referrerPoints: 100, friendPoints: 50, minimumKopecks: 30_000, monthlyCap: 5)),
                createdBy: "admin:owner", at: TestDefaults.now)
            let referral = try #require((try await api.get("/api/v1/campaigns").json["items"] as? [[String: Any]])?.first)
            #expect(referral["kind"] as? String == "referral" && referral["referral_referrer_points"] as? Int == 100)
            #expect(referral["referral_friend_points"] as? Int == 50 && referral["referral_minimum_kopecks"] as? Int == 30_000)
            #expect(referral["referral_monthly_cap"] as? Int == 5 && referral["multiplier_percent"] == nil)

            let narrow = try await APIClient.createKey(in: app.database, scopes: ["orders:read"], prefix: "crema_test0002")
            #expect(try await APIClient(client: client, key: narrow).get("/api/v1/campaigns").status == 403)
        }
    }
}
