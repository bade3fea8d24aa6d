import CremaTestSupport
import Domain
import Foundation
import HummingbirdTesting
import Store
import Testing

/// Every other page renders for its role, and each form saves, refuses bad input on the form,
/// and writes the audit log.
@Suite struct AdminPagesTests {
    static func signedIn(_ app: TestApp, _ client: any TestClientProtocol, role: AdminRole = .owner) async throws -> AdminBrowser {
        try await AdminCustomerTests.signedIn(app, client, role: role)
    }

    @Test func theDashboardShowsFiguresAndServerDrawnCharts() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let guest = try await loyalty.guest(110_000_001)
            let barista = try await loyalty.staff(.barista)
            try await loyalty.sell(to: guest, rubles: 1_000, by: barista, at: TestDefaults.now.addingTimeInterval(-60 * 86_400))
            _ = try await loyalty.count("UPDATE settings SET value = to_jsonb(3) WHERE key = 'points_validity_months' RETURNING 1")
            try await loyalty.sell(to: guest, rubles: 350, by: barista, at: TestDefaults.now.addingTimeInterval(-86_400))
            try await loyalty.sell(to: guest, rubles: 150, by: barista, at: TestDefaults.now.addingTimeInterval(-3_600))
            let browser = try await Self.signedIn(app, client, role: .viewer)
            let page = try await browser.get("/admin")
            #expect(page.status == 200)
            #expect(page.contains("<strong>2</strong>"))
            #expect(page.contains("500 ₽"))
            #expect(page.contains("250 ₽"))
            #expect(page.html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 6)
            #expect(page.contains("Guests by tier"))
            // The liability: 4 points expire in February 2027, the 10 earned before expiry was on never do.
            #expect(page.contains("Outstanding points by expiry month"))
            #expect(page.contains(">2027-02</text>"))
            #expect(page.contains(">never</text>"))
            #expect(try await browser.get("/admin?days=7").contains("class=\"current\">7 days"))
        }
    }

    @Test func theDashboardShowsASnapshotUntilItIsTenMinutesOld() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let guest = try await loyalty.guest(110_000_002)
            let barista = try await loyalty.staff(.barista)
            let aMinuteAgo = TestDefaults.now.addingTimeInterval(-60)
            try await loyalty.sell(to: guest, rubles: 100, by: barista, at: aMinuteAgo)
            let browser = try await Self.signedIn(app, client, role: .viewer)
            #expect(try await browser.get("/admin").contains("100 ₽"))
            try await loyalty.sell(to: guest, rubles: 200, by: barista, at: aMinuteAgo)
            let cached = try await browser.get("/admin")
            #expect(cached.contains("100 ₽"))
            #expect(cached.contains("Figures as of 25.11.2026 09:00"))
            app.clock.advance(by: 11 * 60)
            let fresh = try await browser.get("/admin")
            #expect(fresh.contains("300 ₽"))
            #expect(fresh.contains("Figures as of 25.11.2026 09:11"))

            // The background refresh: one instance claims a period; a second within the interval does nothing.
            let snapshots = DashboardSnapshots(database: app.database, logger: loyalty.logger)
            let later = TestDefaults.now.addingTimeInterval(20 * 60)
            #expect(try await snapshots.refresh(days: 30, timeZone: "Europe/Moscow", at: later, interval: 240))
            #expect(!(try await snapshots.refresh(days: 30, timeZone: "Europe/Moscow", at: later.addingTimeInterval(60), interval: 240)))
        }
    }

    @Test func ordersFilterAndCancelWithAReason() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let guest = try await loyalty.guest(120_000_001, name: "Пётр")
            let barista = try await loyalty.staff(.barista)
            let sale = try await loyalty.sell(to: guest, rubles: 420, by: barista)
            let browser = try await Self.signedIn(app, client, role: .admin)

            let list = try await browser.get("/admin/orders")
            #expect(list.contains("Пётр"))
            #expect(list.contains("420 ₽"))
            #expect(try await browser.get("/admin/orders?status=cancelled").contains("No orders match."))
            #expect(try await browser.get("/admin/orders?from=2026-11-26").contains("No orders match."))
            #expect(try await browser.get("/admin/orders?from=2026-11-25&to=2026-11-25").contains("Пётр"))

            let noReason = try await browser.post("/admin/orders/\(sale.orderID)/cancel", ["reason": ""])
            #expect(noReason.status == 422)
            #expect(noReason.contains("give a reason"))
            let cancelled = try await browser.post(
                "/admin/orders/\(sale.orderID)/cancel", ["reason": "Wrong amount", "back": "/admin/orders?status=all"])
            #expect(cancelled.status == 303)
            #expect(cancelled.location == "/admin/orders?status=all&done=cancelled")
            let after = try await browser.get("/admin/orders?status=cancelled")
            #expect(after.contains("Wrong amount"))
            let twice = try await browser.post("/admin/orders/\(sale.orderID)/cancel", ["reason": "again"])
            #expect(twice.contains("already cancelled"))
            #expect(try await loyalty.checkLedger().isClean)
        }
    }

    @Test func partOfAnOrderIsRefundedOnceFromTheOrdersList() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            _ = try await loyalty.count("UPDATE settings SET value = to_jsonb(12) WHERE key = 'points_validity_months' RETURNING 1")
            let guest = try await loyalty.guest(120_000_002, name: "Анна")
            let sale = try await loyalty.sell(to: guest, rubles: 1_000, by: try await loyalty.staff(.barista))
            let browser = try await Self.signedIn(app, client, role: .admin)
            #expect(try await browser.get("/admin/orders").contains("Refund part…"))

            let form = ["amount": "300", "reason": "Cheesecake returned", "key": "refund-key-0123456789", "back": "/admin/orders"]
            let refunded = try await browser.post("/admin/orders/\(sale.orderID)/refunds", form)
            #expect(refunded.status == 303)
            #expect(refunded.location == "/admin/orders?done=refunded")
            let again = try await browser.post("/admin/orders/\(sale.orderID)/refunds", form)
            #expect(again.status == 303)
            #expect(try await loyalty.count("SELECT count(*)::int FROM order_refunds") == 1)
            #expect(try await browser.get("/admin/orders?done=refunded").contains("refunded 300 ₽"))

            var tooMuch = form
            (tooMuch["amount"], tooMuch["key"]) = ("800", "refund-key-9876543210")
            let refused = try await browser.post("/admin/orders/\(sale.orderID)/refunds", tooMuch)
            #expect(refused.status == 422)
            #expect(refused.contains("No refund on order #\(sale.orderID): At most 700 ₽ can be refunded."))
            var zero = form
            zero["amount"] = "0"
            #expect(try await browser.post("/admin/orders/\(sale.orderID)/refunds", zero).contains("enter an amount above zero"))

            let card = try await browser.get("/admin/customers/\(guest.id)")
            #expect(card.contains("Expire next"))
            #expect(card.contains("7 on 25.11.2027"))
            #expect(try await loyalty.checkLedger().isClean)
        }
    }

    @Test func theGiftCatalogueAddsRenamesAndSwitchesGiftsInBothLanguages() async throws {
        try await TestApp.with { app, client in
            let browser = try await Self.signedIn(app, client, role: .admin)
            let bad = try await browser.post("/admin/gifts/catalog", ["slug": "Круассан!", "name": "", "valid_days": "0"])
            #expect(bad.status == 422)
            #expect(bad.contains("Use lowercase letters"))
            #expect(bad.contains("Give the gift a Russian name"))
            #expect(bad.contains("Give the gift an English name"))
            #expect(bad.contains("Enter the days"))
            let added = try await browser.post(
                "/admin/gifts/catalog", ["slug": "croissant", "name": "Круассан", "name_en": "Croissant", "valid_days": "14"])
            #expect(added.status == 303)
            let duplicate = try await browser.post(
                "/admin/gifts/catalog", ["slug": "croissant", "name": "Ещё", "name_en": "Again", "valid_days": "14"])
            #expect(duplicate.contains("already exists"))
            let page = try await browser.get("/admin/gifts")
            #expect(page.contains(#"value="Круассан""#) && page.contains(#"value="Croissant""#))
            #expect(page.contains(#"value="Напиток""#) && page.contains(#"value="Drink""#))

            let refused = try await browser.post("/admin/gifts/catalog/1", ["name": "Капучино", "name_en": "", "valid_days": "14"])
            #expect(refused.status == 422)
            #expect(refused.contains("Give the gift an English name") && refused.contains(#"value="Капучино""#))
            #expect(
                try await browser.post("/admin/gifts/catalog/1", ["name": "Капучино", "name_en": "Cappuccino", "valid_days": "14"]).status
                    == 303)
            let loyalty = try await LoyaltyFixture.over(app.database)
            let drink = try #require(try await loyalty.store.giftCatalog().first { $0.slug == "drink" })
            #expect(drink.name == LocalizedName(russian: "Капучино", english: "Cappuccino") && drink.validDays == 14)
            let maria = try await loyalty.guest()
            let gift = try await loyalty.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "welcome", by: .admin(id: "1"), at: app.clock.now)
            #expect(
                gift.name.english == "Cappuccino" && abs(gift.expiresAt.timeIntervalSince(app.clock.now) - 14 * 86_400) < 1)

            #expect(try await browser.post("/admin/gifts/catalog/3/active", ["active": "false"]).status == 303)
            #expect(try await loyalty.count("SELECT count(*)::int FROM gift_catalog WHERE slug = 'croissant' AND NOT active") == 1)
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'gift_catalog.edited' AND before->>'name' = 'Напиток' AND after->>'name_en' = 'Cappuccino'"
                ) == 1)
            #expect(try await loyalty.count("SELECT count(*)::int FROM audit_log WHERE action LIKE 'gift_catalog.%'") == 3)
        }
    }

    @Test func feedbackChangesStatusAndRepliesThroughTheClientBot() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let guest = try await loyalty.guest(130_000_001)
            let feedbackID = try await loyalty.count(
                """
                WITH f AS (INSERT INTO feedback (customer_id, kind, body, channel, created_at, updated_at)
                           VALUES (\(guest.id), 'message', 'The milk was cold', 'client_bot', now(), now()) RETURNING id)
                SELECT id::int FROM f
                """
            )
            let browser = try await Self.signedIn(app, client, role: .admin)
            #expect(try await browser.get("/admin/feedback?status=new").contains("The milk was cold"))
            #expect(try await browser.post("/admin/feedback/\(feedbackID)/status", ["status": "bogus"]).status == 422)
            #expect(try await browser.post("/admin/feedback/\(feedbackID)/status", ["status": "in_progress"]).status == 303)
            #expect(try await browser.get("/admin/feedback?status=in_progress").contains("The milk was cold"))

            #expect(try await browser.post("/admin/feedback/\(feedbackID)/reply", ["text": "  "]).status == 422)
            let replied = try await browser.post("/admin/feedback/\(feedbackID)/reply", ["text": "Sorry! A free drink is waiting."])
            #expect(replied.status == 303)
            #expect(
                try await loyalty.count(
                    """
                    SELECT count(*)::int FROM outbox WHERE bot = 'client' AND chat_id = 130000001 AND kind = 'transactional'
                      AND payload->>'text' = E'Ответ от команды кофейни:\\n\\nSorry! A free drink is waiting.'
                    """
                ) == 1)
            #expect(try await loyalty.count("SELECT count(*)::int FROM feedback WHERE status = 'done'") == 1)
            #expect(try await browser.get("/admin/feedback").contains("replied"))
        }
    }

    @Test func broadcastsPreviewTheAudienceThenQueueOnePerGuest() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            for index in 0..<4 { _ = try await loyalty.guest(140_000_000 + Int64(index)) }
            _ = try await loyalty.count(
                "WITH u AS (UPDATE customers SET promo_opt_in = false WHERE telegram_id = 140000003 RETURNING 1) SELECT count(*)::int FROM u"
            )
            let browser = try await Self.signedIn(app, client, role: .admin)
            let empty = try await browser.post("/admin/broadcasts", ["audience": "everyone", "text": "", "action": "preview"])
            #expect(empty.status == 422)
            let badDays = try await browser.post(
                "/admin/broadcasts", ["audience": "active", "days": "0", "text": "Hi", "action": "preview"])
            #expect(badDays.contains("Choose who gets it"))
            let preview = try await browser.post(
                "/admin/broadcasts", ["audience": "everyone", "text": "New autumn menu!", "action": "preview"])
            #expect(preview.status == 200)
            #expect(preview.contains(#"<strong class="audience-size">3</strong>"#))
            #expect(try await loyalty.count("SELECT count(*)::int FROM outbox") == 0)
            let sent = try await browser.post("/admin/broadcasts", ["audience": "everyone", "text": "New autumn menu!", "action": "send"])
            #expect(sent.status == 303)
            #expect(try await loyalty.count("SELECT count(*)::int FROM outbox WHERE kind = 'promotional'") == 3)
            let list = try await browser.get("/admin/broadcasts")
            #expect(list.contains("New autumn menu!"))
            #expect(list.contains("0 sent · 0 failed · 3 queued of 3"))
        }
    }

    @Test func anInviteNeedsTheStaffBotsRealNameAndMakesNoLinkWithoutIt() async throws {
        // The test app's Bot API address answers nothing.
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let browser = try await Self.signedIn(app, client, role: .admin)
            let invite = try await browser.post("/admin/staff/invite", ["role": "manager", "location": "main"])
            #expect(invite.status == 422)
            #expect(invite.contains("Telegram did not answer for the staff bot, so no link was made."))
            #expect(!invite.contains("t.me/"))
            #expect(try await loyalty.count("SELECT count(*)::int FROM staff_invites") == 0)
        }
    }

    @Test func staffAreInvitedPromotedAndDeactivated() async throws {
        try await FakeTelegramBotAPI.withRunning { fake in
            try await TestApp.with(environment: ["TELEGRAM_API_BASE_URL": fake.baseURL.absoluteString]) { app, client in
                let loyalty = try await LoyaltyFixture.over(app.database)
                let barista = try await loyalty.staff(.barista, name: "Оля")
                let browser = try await Self.signedIn(app, client, role: .admin)
                let invite = try await browser.post("/admin/staff/invite", ["role": "manager", "location": "main"])
                #expect(invite.status == 200)
                #expect(invite.contains("https://t.me/crema_test_bot?start=inv_"))
                #expect(try await loyalty.count("SELECT count(*)::int FROM staff_invites WHERE role = 'manager'") == 1)
                #expect(
                    try await loyalty.count("SELECT count(*)::int FROM audit_log WHERE action = 'staff.invited' AND actor_kind = 'admin'")
                        == 1)
                #expect(try await browser.post("/admin/staff/invite", ["role": "janitor"]).status == 422)
                #expect(
                    try await browser.post("/admin/staff/invite", ["role": "barista", "location": "nowhere"]).contains("No open location"))

                #expect(try await browser.post("/admin/staff/\(barista.id)", ["role": "manager"]).status == 303)
                #expect(try await browser.post("/admin/staff/\(barista.id)", ["active": "false"]).status == 303)
                #expect(
                    try await loyalty.count(
                        "SELECT count(*)::int FROM staff WHERE role = 'manager' AND NOT active AND deactivated_at IS NOT NULL") == 1)
                let page = try await browser.get("/admin/staff")
                #expect(page.contains("Оля"))
                #expect(page.contains("deactivated"))
                #expect(try await loyalty.count("SELECT count(*)::int FROM audit_log WHERE action = 'staff.updated'") == 2)
            }
        }
    }

    @Test func settingsAreValidatedSavedByOwnersOnlyAndAudited() async throws {
        try await TestApp.with { app, client in
            let owner = try await Self.signedIn(app, client, role: .owner)
            let page = try await owner.get("/admin/settings")
            #expect(page.contains(#"name="redeem_cap_percent" value="30""#))
            #expect(page.contains(#"name="tier_silver_from_kopecks" value="15000""#))

            let invalid = try await owner.post(
                "/admin/settings",
                [
                    "redeem_cap_percent": "150", "tier_silver_from_kopecks": "50000", "tier_gold_from_kopecks": "40000",
                    "time_zone": "Mars/Base",
                ])
            #expect(invalid.status == 422)
            #expect(invalid.contains("Enter a whole number from 0 to 100 (% of a check)."))
            #expect(invalid.contains("Gold must start above Silver."))
            #expect(invalid.contains("Enter a time zone"))
            #expect(invalid.contains(#"value="150""#))

            let saved = try await owner.post(
                "/admin/settings", ["redeem_cap_percent": "40", "time_zone": "Asia/Yekaterinburg", "cancel_window_minutes": "10"])
            #expect(saved.status == 303)
            #expect(saved.location == "/admin/settings?done=settings")
            let loyalty = try await LoyaltyFixture.over(app.database)
            #expect(try await loyalty.count("SELECT (value #>> '{}')::int FROM settings WHERE key = 'redeem_cap_percent'") == 40)
            let capAudit = try await loyalty.count(
                "SELECT count(*)::int FROM audit_log WHERE action = 'settings.changed' AND before = '30' AND after = '40' AND actor_kind = 'admin'"
            )
            #expect(capAudit == 1)
            #expect(try await loyalty.count("SELECT count(*)::int FROM audit_log WHERE action = 'settings.changed'") == 2)

            let admin = try await Self.signedIn(app, client, role: .admin)
            #expect(try await admin.get("/admin/settings").contains("Only an owner can change the rules."))
            #expect(try await admin.post("/admin/settings", ["redeem_cap_percent": "10"]).status == 403)
        }
    }

    @Test func everySettingIsShownWithItsUnitAndRangeAndTheBirthdayGiftIsChosenFromTheCatalogue() async throws {
        try await TestApp.with { app, client in
            let owner = try await Self.signedIn(app, client, role: .owner)
            let page = try await owner.get("/admin/settings")
            for setting in EditableSetting.all {
                #expect(page.contains(#"name="\#(setting.key)""#), "\(setting.key) is on the page")
                switch setting.kind {
                case .integer(let range), .roubles(let range):
                    let unit = setting.unit.isEmpty ? "" : " \(setting.unit)"
                    #expect(page.contains("Allowed: \(range.lowerBound)–\(range.upperBound)\(unit)"), "\(setting.key) says its range")
                case .timeZone, .giftItem:
                    break
                }
            }
            #expect(page.contains(#"<option value="drink" selected>"#) && page.contains(#"<option value="sandwich" >"#))
            #expect(page.contains(#"name="code_hold_minutes" value="5" type="number" min="0" max="30""#))

            let unknownGift = try await owner.post("/admin/settings", ["birthday_gift": "cake", "backup_retention_days": "0"])
            #expect(unknownGift.status == 422)
            #expect(unknownGift.contains("Choose an active gift from the catalogue."))
            #expect(unknownGift.contains("Enter a whole number from 1 to 3650 (days)."))

            let saved = try await owner.post(
                "/admin/settings",
                [
                    "birthday_gift": "sandwich", "review_window_days": "7", "wrong_code_limit_per_minute": "3",
                    "api_requests_per_minute": "1200", "idempotency_key_hours": "48", "admin_session_idle_minutes": "60",
                    "backup_retention_days": "45", "code_hold_minutes": "0",
                ])
            #expect(saved.status == 303)
            let settings = try await app.dependencies.store.pool.settings()
            #expect(settings.birthdayGiftSlug == "sandwich" && settings.reviewWindowDays == 7 && settings.wrongCodeLimitPerMinute == 3)
            #expect(settings.codeHoldMinutes == 0)
            let loyalty = try await LoyaltyFixture.over(app.database)
            #expect(try await loyalty.count("SELECT count(*)::int FROM audit_log WHERE action = 'settings.changed'") == 8)
            #expect(try await loyalty.count("SELECT (value #>> '{}')::int FROM settings WHERE key = 'backup_retention_days'") == 45)
        }
    }

    @Test func creatingAKeyIsAuditedWithItsRequest() async throws {
        try await TestApp.with { app, client in
            let owner = try await Self.signedIn(app, client, role: .owner)
            let created = try await owner.post("/admin/api-keys", ["name": "POS", "scope_orders:read": "on", "location": "main"])
            let requestID = try #require(created.headers[.requestID])
            let loyalty = try await LoyaltyFixture.over(app.database)
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'api_key.created' AND request_id = \(requestID)") == 1)
        }
    }

    @Test func apiKeysShowTheSecretOnceAndCanBeRevoked() async throws {
        try await TestApp.with { app, client in
            let owner = try await Self.signedIn(app, client, role: .owner)
            let missing = try await owner.post("/admin/api-keys", ["name": ""])
            #expect(missing.status == 422)
            #expect(missing.contains("Choose at least one scope."))
            let created = try await owner.post(
                "/admin/api-keys", ["name": "POS front", "scope_orders:write": "on", "scope_codes:write": "on"])
            #expect(created.status == 200)
            let key = try #require(AdminBrowser.firstMatch(#"value="(crema_[0-9a-f]{8}_[^"]+)""#, in: created.html))
            let list = try await owner.get("/admin/api-keys")
            #expect(list.contains("POS front"))
            #expect(!list.contains(key))
            let loyalty = try await LoyaltyFixture.over(app.database)
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'api_key.created' AND actor_kind = 'admin' AND after->>'name' = 'POS front'"
                )
                    == 1)

            let api = APIClient(client: client, key: key)
            #expect(try await api.get("/api/v1/customers/1").status == 403)
            let prefix = String(key.prefix(14))
            #expect(try await owner.post("/admin/api-keys/\(prefix)/revoke").status == 303)
            #expect(try await api.get("/api/v1/customers/1").status == 401)

            let admin = try await Self.signedIn(app, client, role: .admin)
            #expect(try await admin.get("/admin/api-keys").status == 403)
            #expect(!(try await admin.get("/admin").contains("/admin/api-keys")))
        }
    }

    @Test func theAuditLogListsAdminActionsNewestFirst() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let guest = try await loyalty.guest(150_000_001)
            let owner = try await Self.signedIn(app, client, role: .owner)
            _ = try await owner.post("/admin/customers/\(guest.id)/points", ["points": "7", "reason": "Welcome"])
            _ = try await owner.post("/admin/settings", ["cancel_window_minutes": "15"])
            let audit = try await owner.get("/admin/audit")
            #expect(audit.status == 200)
            let settings = try #require(audit.html.range(of: "settings.changed"))
            let points = try #require(audit.html.range(of: "points.adjusted"))
            #expect(settings.lowerBound < points.lowerBound)
            #expect(audit.contains("Welcome"))
            let viewer = try await Self.signedIn(app, client, role: .viewer)
            #expect(try await viewer.get("/admin/audit").status == 403)
        }
    }
}
