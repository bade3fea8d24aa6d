import CremaTestSupport
import Domain
import Foundation
import HummingbirdTesting
import Store
import Testing

/// The customers list, search, export and the card with its forms.
@Suite struct AdminCustomerTests {
    static func signedIn(_ app: TestApp, _ client: any TestClientProtocol, role: AdminRole = .admin) async throws -> AdminBrowser {
        try await AdminBrowser.createAccount(in: app.database, email: "\(role.rawValue)@cafe.test", role: role)
        let browser = AdminBrowser(client: client)
        try await browser.signIn(email: "\(role.rawValue)@cafe.test")
        return browser
    }

    @Test func theListSearchesByNamePhoneAndTelegramIdFiltersByTierAndPagesByKeyset() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            for index in 0..<60 {
                _ = try await loyalty.guest(500_000_000 + Int64(index), name: index == 7 ? "Анна Каренина" : "Guest \(index)")
            }
            let browser = try await Self.signedIn(app, client)

            let first = try await browser.get("/admin/customers")
            #expect(first.status == 200)
            #expect(first.html.components(separatedBy: "<tr>").count - 2 == 50)
            #expect(first.contains("Guest 59"))
            let next = try #require(AdminBrowser.firstMatch(#"href="(/admin/customers\?[^"]*before=\d+)""#, in: first.html))
            let second = try await browser.get(next.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.html.components(separatedBy: "<tr>").count - 2 == 10)
            #expect(second.contains("Guest 0"))
            #expect(!second.contains("Guest 59"))

            let byName = try await browser.get("/admin/customers?q=карен")
            #expect(byName.contains("Анна Каренина"))
            #expect(!byName.contains("Guest 8"))
            let byPhone = try await browser.get("/admin/customers?q=%2B7900%200000012")
            #expect(byPhone.contains("Guest 12"))
            #expect(!byPhone.contains("Guest 13"))
            let byTelegram = try await browser.get("/admin/customers?q=500000033")
            #expect(byTelegram.contains("Guest 33"))
            #expect(!byTelegram.contains("Guest 34"))
            let platinum = try await browser.get("/admin/customers?tier=platinum")
            #expect(platinum.contains("No guests match."))
        }
    }

    @Test func theCSVExportStreamsEveryMatchAndDefusesFormulas() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            _ = try await loyalty.guest(600_000_001, name: "=HYPERLINK(\"http://x\")")
            _ = try await loyalty.guest(600_000_002, name: "Ольга, кофе")
            let browser = try await Self.signedIn(app, client)
            let csv = try await browser.get("/admin/customers.csv")
            #expect(csv.status == 200)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.html.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("id,telegram_id,phone,name,tier"))
            #expect(csv.contains(#""'=HYPERLINK(""http://x"")""#))
            #expect(csv.contains(#""Ольга, кофе""#))
            // Downloading every guest's phone is an audited act, tied to its request.
            let requestID = try #require(csv.headers[.requestID])
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'customers.exported' AND request_id = \(requestID) AND actor_kind = 'admin'"
                ) == 1)

            let viewer = AdminBrowser(client: client)
            try await AdminBrowser.createAccount(in: app.database, email: "viewer@cafe.test", role: .viewer)
            try await viewer.signIn(email: "viewer@cafe.test")
            #expect(try await viewer.get("/admin/customers.csv").status == 403)
        }
    }

    @Test func theCardAdjustsPointsIssuesGiftsBlocksAndAnonymises() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let guest = try await loyalty.guest(700_000_001, name: "Мария")
            let barista = try await loyalty.staff(.barista)
            try await loyalty.sell(to: guest, rubles: 500, by: barista)
            let browser = try await Self.signedIn(app, client)
            let path = "/admin/customers/\(guest.id)"

            let card = try await browser.get(path)
            #expect(card.status == 200)
            #expect(card.contains("Мария"))
            #expect(card.contains("+79000000001"))
            #expect(card.contains("earn"))

            // Validation errors stay on the form and change nothing.
            let zero = try await browser.post("\(path)/points", ["points": "0", "reason": "test"])
            #expect(zero.status == 422)
            #expect(zero.contains("Enter a whole number of points"))
            let noReason = try await browser.post("\(path)/points", ["points": "10", "reason": " "])
            #expect(noReason.status == 422)
            #expect(noReason.contains("Say why"))
            let tooMuch = try await browser.post("\(path)/points", ["points": "-1000", "reason": "oops"])
            #expect(tooMuch.status == 422)
            #expect(tooMuch.contains("The guest has only 5 points."))

            let credited = try await browser.post("\(path)/points", ["points": "+50", "reason": "Sorry for the wait"])
            #expect(credited.status == 303)
            let after = try await browser.get(credited.location ?? "")
            #expect(after.contains("Points adjusted."))
            #expect(after.contains("Sorry for the wait"))
            #expect(try await loyalty.count("SELECT points_balance FROM customers WHERE id = \(guest.id)") == 55)
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'points.adjusted' AND actor_kind = 'admin' AND before->>'balance' = '5' AND after->>'balance' = '55'"
                ) == 1)

            // A goodwill credit that expires sooner than the café's setting.
            let badValidity = try await browser.post("\(path)/points", ["points": "20", "reason": "promo", "valid_months": "forever"])
            #expect(badValidity.status == 422)
            #expect(badValidity.contains("Validity is a whole number of months"))
            let shortLived = try await browser.post("\(path)/points", ["points": "20", "reason": "promo", "valid_months": "2"])
            #expect(shortLived.status == 303)
            let withExpiry = try await browser.get(path)
            #expect(withExpiry.contains("Expire next"))
            #expect(withExpiry.contains("20 on 25.01.2027"))

            let noGift = try await browser.post("\(path)/gifts", ["catalog_id": "1", "reason": ""])
            #expect(noGift.status == 422)
            let gift = try await browser.post("\(path)/gifts", ["catalog_id": "1", "reason": "Birthday week"])
            #expect(gift.status == 303)
            #expect(try await browser.get(path).contains("Birthday week"))

            #expect(try await browser.post("\(path)/block", ["reason": "abuse"]).status == 303)
            #expect(try await browser.get(path).contains("blocked"))
            #expect(try await browser.post("\(path)/unblock").status == 303)
            #expect(try await loyalty.count("SELECT count(*)::int FROM customers WHERE blocked_at IS NULL AND id = \(guest.id)") == 1)

            let unconfirmed = try await browser.post("\(path)/anonymise", ["confirm": "yes"])
            #expect(unconfirmed.status == 422)
            #expect(unconfirmed.contains("Type ERASE"))
            #expect(try await browser.post("\(path)/anonymise", ["confirm": "ERASE", "reason": "GDPR request"]).status == 303)
            let erased = try await browser.get(path)
            #expect(erased.contains("anonymised"))
            #expect(!erased.contains("Мария"))
            #expect(!erased.contains("+79000000001"))
            #expect(erased.contains("Sorry for the wait"))
            #expect(try await loyalty.count("SELECT count(*)::int FROM orders WHERE customer_id = \(guest.id)") == 1)
            #expect(try await loyalty.checkLedger().isClean)
        }
    }

    @Test func aViewerSeesButCannotChangeAndForgedFormsAreRefused() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let guest = try await loyalty.guest(800_000_001)
            let viewer = try await Self.signedIn(app, client, role: .viewer)
            let card = try await viewer.get("/admin/customers/\(guest.id)")
            #expect(card.status == 200)
            #expect(!card.contains("Adjust points"))
            let refused = try await viewer.post("/admin/customers/\(guest.id)/points", ["points": "50", "reason": "friend"])
            #expect(refused.status == 403)

            let admin = try await Self.signedIn(app, client, role: .admin)
            let forged = try await admin.post("/admin/customers/\(guest.id)/points", ["points": "50", "reason": "x", "_csrf": "forged"])
            #expect(forged.status == 403)
            #expect(forged.contains("This form has expired"))
            let missing = try await admin.post("/admin/customers/\(guest.id)/points", ["points": "50", "reason": "x", "_csrf": ""])
            #expect(missing.status == 403)
            #expect(try await loyalty.count("SELECT points_balance FROM customers WHERE id = \(guest.id)") == 0)
            #expect(try await admin.get("/admin/customers/999999").status == 404)
        }
    }

    @Test func namesAndReviewsWithHTMLRenderAsText() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let guest = try await loyalty.guest(900_000_001, name: "<script>alert(1)</script>")
            _ = try await loyalty.count(
                """
                WITH f AS (INSERT INTO feedback (customer_id, kind, body, channel, created_at, updated_at)
                           VALUES (\(guest.id), 'idea', '<img src=x onerror=alert(2)><b>bold</b>', 'api', now(), now()) RETURNING 1)
                SELECT count(*)::int FROM f
                """
            )
            let browser = try await Self.signedIn(app, client)
            for path in ["/admin/customers", "/admin/customers/\(guest.id)", "/admin/feedback"] {
                let page = try await browser.get(path)
                #expect(!page.contains("<script>alert(1)</script>"), "\(path)")
                #expect(!page.contains("<img src=x"), "\(path)")
            }
            #expect(try await browser.get("/admin/customers").contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(try await browser.get("/admin/feedback").contains("&lt;img src=x onerror=alert(2)&gt;"))
        }
    }
}
