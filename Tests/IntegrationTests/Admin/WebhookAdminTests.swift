import CremaTestSupport
import Foundation
import Testing

/// The owner's webhook pages and the partner API's read-only list.
@Suite struct WebhookAdminTests {
    @Test func theOwnerAddsAnEndpointSeesItsSecretOnceAndTestsAndSwitchesIt() async throws {
        try await TestApp.with { app, client in
            let owner = try await AdminPagesTests.signedIn(app, client, role: .owner)
            let refused = try await owner.post("/admin/webhooks", ["url": "ftp://pos.example/hooks"])
            #expect(refused.status == 422)
            #expect(
                refused.contains("Enter the partner server&#39;s public https:// address") || refused.contains("public https:// address"))
            #expect(refused.contains("Choose at least one event."))

            let created = try await owner.post(
                "/admin/webhooks",
                ["url": "http://127.0.0.1:9/hooks", "description": "POS", "event_order.confirmed": "on", "event_order.cancelled": "on"])
            #expect(created.status == 200)
            let secret = try #require(AdminBrowser.firstMatch(#"value="(whsec_[A-Za-z0-9_-]{40,})""#, in: created.html))
            let list = try await owner.get("/admin/webhooks")
            #expect(list.contains("http://127.0.0.1:9/hooks") && list.contains("order.confirmed, order.cancelled"))
            #expect(!list.contains(secret))
            let loyalty = try await LoyaltyFixture.over(app.database)
            #expect(
                try await loyalty.count("SELECT count(*) FROM audit_log WHERE action = 'webhook.created' AND actor_kind = 'admin'") == 1)
            let id = try await loyalty.count("SELECT id FROM webhook_endpoints")

            #expect(try await owner.post("/admin/webhooks/\(id)/test").status == 303)
            let page = try await owner.get("/admin/webhooks/\(id)")
            #expect(page.status == 200 && page.contains("webhook.test") && page.contains("waiting"))
            #expect(try await owner.post("/admin/webhooks/\(id)/disable").status == 303)
            #expect(try await owner.get("/admin/webhooks").contains("Switch on"))
            #expect(try await loyalty.count("SELECT count(*) FROM webhook_endpoints WHERE NOT active") == 1)
            let key = try await owner.post("/admin/api-keys", ["name": "Partner", "scope_webhooks:read": "on", "location": "main"])
            let apiKey = try #require(AdminBrowser.firstMatch(#"value="(crema_[0-9a-f]{8}_[^"]+)""#, in: key.html))
            let listed = try await APIClient(client: client, key: apiKey).get("/api/v1/webhooks")
            #expect(listed.status == 200)
            let items = try #require(listed.json["items"] as? [[String: Any]])
            #expect(items.count == 1 && items.first?["url"] as? String == "http://127.0.0.1:9/hooks")
            #expect(items.first?["active"] as? Bool == false && items.first?["disabled_reason"] as? String == "switched off by the owner")
            #expect(!listed.text.contains(secret))

            // Switched off by hand, the dashboard stays quiet; switched off by Crema, it tells the owner.
            #expect(!(try await owner.get("/admin").contains("was switched off")))
            _ = try await loyalty.count(
                "UPDATE webhook_endpoints SET disabled_reason = 'a delivery failed for 24 hours: HTTP 500' RETURNING 1")
            let dashboard = try await owner.get("/admin")
            #expect(
                dashboard.contains(
                    "The partner webhook to http://127.0.0.1:9/hooks was switched off after a day of failed deliveries."))
            #expect(dashboard.contains("href=\"/admin/webhooks/\(id)\""))

            let admin = try await AdminPagesTests.signedIn(app, client, role: .admin)
            #expect(try await admin.get("/admin/webhooks").status == 403)
        }
    }
}
