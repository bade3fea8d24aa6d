import CremaTestSupport
import Domain
import Foundation
import Handlers
import HummingbirdTesting
import Store
import Testing

/// A chain, not one café: locations made in the panel, carried by invites, keys, sales,
/// analytics and manager alerts.
@Suite struct LocationTests {
    @Test func theOwnerAddsRenamesAndArchivesLocationsAndEveryChangeIsAudited() async throws {
        try await TestApp.with { app, client in
            let owner = try await AdminPagesTests.signedIn(app, client, role: .owner)
            let bad = try await owner.post("/admin/locations", ["slug": "Север!", "name": ""])
            #expect(bad.status == 422)
            #expect(bad.contains("Use lowercase letters") && bad.contains("Give the location a name"))
            #expect(try await owner.post("/admin/locations", ["slug": "north", "name": "Кофейня на Северной"]).status == 303)
            #expect(try await owner.post("/admin/locations", ["slug": "north", "name": "Другая"]).contains("already exists"))
            let page = try await owner.get("/admin/locations")
            #expect(page.contains(#"value="Кофейня на Северной""#) && page.contains(#"value="Main café""#))

            let loyalty = try await LoyaltyFixture.over(app.database)
            let north = try await loyalty.count("SELECT id::int FROM locations WHERE slug = 'north'")
            #expect(
                try await owner.post("/admin/locations/\(north)", ["name": "Main café"]).contains("Another location already has this name.")
            )
            #expect(try await owner.post("/admin/locations/\(north)", ["name": "Север"]).status == 303)
            #expect(try await owner.post("/admin/locations/\(north)/archived", ["archived": "true"]).status == 303)
            #expect(try await loyalty.count("SELECT count(*)::int FROM locations WHERE archived_at IS NOT NULL AND name = 'Север'") == 1)
            let main = try await loyalty.count("SELECT id::int FROM locations WHERE slug = 'main'")
            let last = try await owner.post("/admin/locations/\(main)/archived", ["archived": "true"])
            #expect(last.contains("The only active location cannot be archived."))
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM audit_log WHERE action IN ('location.added', 'location.renamed', 'location.archived')") == 3)

            // An archived location takes no new invites or keys.
            let staff = try await owner.get("/admin/staff")
            #expect(staff.contains(#"<option value="main" selected>Main café</option>"#) && !staff.contains(#"value="north""#))
            let refused = try await app.dependencies.store.pool.invites.create(
                role: .barista, locationSlug: "north", createdBy: "test", token: "inv_archived", at: app.clock.now)
            #expect(refused == nil)

            let viewer = try await AdminPagesTests.signedIn(app, client, role: .viewer)
            #expect(try await viewer.get("/admin/locations").contains("Север"))
            #expect(try await viewer.post("/admin/locations", ["slug": "south", "name": "Юг"]).status == 403)
        }
    }

    @Test func keysAndInvitesCarryTheChosenLocation() async throws {
        try await TestApp.with { app, client in
            let owner = try await AdminPagesTests.signedIn(app, client, role: .owner)
            #expect(try await owner.post("/admin/locations", ["slug": "north", "name": "Север"]).status == 303)
            let created = try await owner.post("/admin/api-keys", ["name": "POS north", "scope_orders:write": "on", "location": "north"])
            #expect(created.status == 200)
            #expect(created.contains(#"<td data-label="Location">Север</td>"#))
            let loyalty = try await LoyaltyFixture.over(app.database)
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM api_keys k JOIN locations l ON l.id = k.location_id WHERE k.name = 'POS north' AND l.slug = 'north'"
                ) == 1)
            let invite = try await app.dependencies.store.pool.invites.create(
                role: .manager, locationSlug: "north", createdBy: "test", token: "inv_north", at: app.clock.now)
            #expect(invite != nil)
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM staff_invites i JOIN locations l ON l.id = i.location_id WHERE l.slug = 'north'") == 1)
        }
    }

    @Test func theDashboardIsCutByLocationAndShowsVisitsGiftsAndBroadcasts() async throws {
        try await TestApp.with { app, client in
            let owner = try await AdminPagesTests.signedIn(app, client, role: .owner)
            #expect(try await owner.post("/admin/locations", ["slug": "north", "name": "Север"]).status == 303)
            let loyalty = try await LoyaltyFixture.over(app.database)
            let north = Int64(try await loyalty.count("SELECT id::int FROM locations WHERE slug = 'north'"))
            let maria = try await loyalty.guest(110_000_001)
            let petr = try await loyalty.guest(110_000_002, name: "Пётр")
            let barista = try await loyalty.staff(.barista)
            let earlier = app.clock.now.addingTimeInterval(-3_600)
            try await loyalty.sell(to: maria, rubles: 300, by: barista, at: earlier)
            try await loyalty.sell(to: maria, rubles: 200, by: barista, at: earlier)
            try await loyalty.sell(to: petr, rubles: 100, by: barista, at: earlier)
            let code = try await loyalty.store.issueCode(customerID: petr.id, at: earlier).code
            _ = try await loyalty.store.confirmSale(
                SaleRequest(idempotencyKey: "north-1", guest: .code(code), amount: .rubles(900), redeem: .none),
                by: .admin(id: "1"), locationID: north, at: earlier)
            let drink = try #require(try await loyalty.store.giftCatalog().first)
            let gift = try await loyalty.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "welcome", by: barista, at: earlier)
            _ = try await loyalty.store.redeemGift(giftID: gift.id, by: barista, at: earlier)
            _ = try await loyalty.count(
                """
                WITH b AS (
                    INSERT INTO broadcasts (audience, body, created_by_kind, created_by_id, created_at, recipients)
                    VALUES ('everyone', 'Новое меню', 'admin', '1', \(earlier), 4) RETURNING id
                )
                INSERT INTO outbox (bot, chat_id, kind, method, payload, status, next_attempt_at, created_at, broadcast_id)
                SELECT 'client', n, 'promotional', 'sendMessage', '{"text": "Новое меню"}', CASE WHEN n < 4 THEN 'sent' ELSE 'failed' END,
                       now(), now(), b.id
                FROM b, generate_series(1, 4) AS n RETURNING 1
                """)

            app.clock.advance(by: 11 * 60)  // past the snapshot signing in computed
            let chain = try await owner.get("/admin?days=30")
            #expect(chain.contains(#"<a href="/admin?days=30" class="current">All locations</a>"#))
            #expect(!chain.contains("are the whole chain's"))
            #expect(kpi(chain, "Orders") == "4")
            #expect(kpi(chain, "Repeat visits") == "100%")
            #expect(kpi(chain, "Gifts given / redeemed / expired") == "1 / 1 / 0")
            #expect(kpi(chain, "Broadcast delivery") == "75% of 4")

            let northPage = try await owner.get("/admin?days=30&location=north")
            #expect(northPage.contains(#"class="current">Север</a>"#))
            #expect(kpi(northPage, "Orders") == "1")
            #expect(kpi(northPage, "Revenue") == "900 ₽")
            #expect(kpi(northPage, "Repeat visits") == "0%")
            #expect(northPage.contains("new guests, outstanding points, tiers, gifts and broadcasts are the whole chain's"))
            #expect(northPage.contains(#"href="/admin?days=7&amp;location=north""#))
        }
    }

    @Test func aLowReviewAlertsOnlyTheManagersOfTheOrdersLocation() async throws {
        try await TestApp.with { app, _ in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let north = Int64(try await loyalty.count("INSERT INTO locations (slug, name) VALUES ('north', 'Север') RETURNING id::int"))
            _ = try await loyalty.count(
                """
                INSERT INTO staff (display_name, role, location_id, telegram_id, language)
                VALUES ('Анна', 'manager', (SELECT id FROM locations WHERE slug = 'main'), 700, 'ru'),
                       ('Ольга', 'manager', \(north), 701, 'ru')
                RETURNING 1
                """)
            let maria = try await loyalty.guest()
            let code = try await loyalty.store.issueCode(customerID: maria.id, at: app.clock.now).code
            let sale = try await loyalty.store.confirmSale(
                SaleRequest(idempotencyKey: "north-review", guest: .code(code), amount: .rubles(300), redeem: .none),
                by: .admin(id: "1"), locationID: north, at: app.clock.now)
            let feedback = app.dependencies.store.pool.feedback
            _ = try await feedback.submitReview(
                customerID: maria.id, orderID: sale.orderID, rating: 2, alertThreshold: 6, at: app.clock.now)
            let alerts = try await OutboxRows(app.database).all().filter { $0.bot == "staff" }
            #expect(alerts.map(\.chatID) == [701])

            _ = try await feedback.submitNote(.message, customerID: maria.id, text: "Спасибо!", at: app.clock.now)
            let messages = try await OutboxRows(app.database).all().filter {
                $0.bot == "staff" && $0.payload["template"] as? String == "guest_message"
            }
            #expect(Set(messages.map(\.chatID)) == [700, 701])
        }
    }

    @Test func anAdminOfOneLocationSeesAndChangesOnlyThatLocation() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let north = Int64(try await loyalty.count("INSERT INTO locations (slug, name) VALUES ('north', 'Север') RETURNING id::int"))
            let hash = try await PasswordHasher(cost: 4).hash("correct horse battery")
            let accounts = AdminAccounts(database: app.database, logger: loyalty.logger)
            let id = try await accounts.createOrReset(
                email: "north@cafe.test", passwordHash: hash, role: .admin, locationSlug: "north", at: app.clock.now
            ).id
            try await accounts.setLanguage(.en, adminID: id)
            await #expect(throws: AdminAccountError.unknownLocation) {
                try await accounts.createOrReset(
                    email: "x@cafe.test", passwordHash: hash, role: .admin, locationSlug: "mars", at: app.clock.now)
            }
            let browser = AdminBrowser(client: client)
            try await browser.signIn(email: "north@cafe.test")

            let maria = try await loyalty.guest()
            let barista = try await loyalty.staff(.barista)
            let mainSale = try await loyalty.sell(to: maria, rubles: 300, by: barista, at: app.clock.now.addingTimeInterval(-600))
            let code = try await loyalty.store.issueCode(customerID: maria.id, at: app.clock.now).code
            let northSale = try await loyalty.store.confirmSale(
                SaleRequest(idempotencyKey: "north-1", guest: .code(code), amount: .rubles(700), redeem: .none),
                by: .admin(id: "1"), locationID: north, at: app.clock.now)
            _ = try await loyalty.count(
                "INSERT INTO staff (display_name, role, location_id) VALUES ('Ольга', 'barista', \(north)) RETURNING 1")

            let orders = try await browser.get("/admin/orders")
            #expect(orders.contains(##"<td data-label="#">\##(northSale.orderID)</td>"##))
            #expect(!orders.contains(##"<td data-label="#">\##(mainSale.orderID)</td>"##))
            #expect(!orders.contains(#"name="location""#))
            let refused = try await browser.post(
                "/admin/orders/\(mainSale.orderID)/cancel", ["reason": "not ours", "back": "/admin/orders"])
            #expect(refused.contains("This order belongs to another location."))
            #expect(try await loyalty.count("SELECT count(*)::int FROM order_cancellations") == 0)
            #expect(
                try await browser.post("/admin/orders/\(northSale.orderID)/cancel", ["reason": "mistake", "back": "/admin/orders"]).status
                    == 303)

            let staff = try await browser.get("/admin/staff")
            #expect(staff.contains("Ольга"))
            #expect(!staff.contains(#"<td data-label="Name">Barista</td>"#))
            #expect(staff.contains(#"<option value="north" selected>Север</option>"#) && !staff.contains(#"value="main""#))
            let mainBarista = Int64(barista.id)!
            #expect(try await browser.post("/admin/staff/\(mainBarista)", ["active": "false"]).location == "/admin/staff?done=nothing")
            #expect(try await loyalty.count("SELECT count(*)::int FROM staff WHERE id = \(mainBarista) AND active") == 1)

            let dashboard = try await browser.get("/admin?days=30")
            #expect(kpi(dashboard, "Orders") == "0")
            #expect(kpi(dashboard, "Revenue") == "0 ₽")
            #expect(!dashboard.contains("All locations"))
        }
    }

    /// The figure shown under a dashboard label.
    func kpi(_ page: AdminBrowser.Page, _ label: String) -> String? {
        guard let start = page.html.range(of: "<span>\(label)</span><strong>") else { return nil }
        let rest = page.html[start.upperBound...]
        guard let end = rest.range(of: "</strong>") else { return nil }
        return String(rest[..<end.lowerBound])
    }
}
