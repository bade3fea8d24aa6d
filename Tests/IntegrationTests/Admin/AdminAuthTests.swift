import CremaTestSupport
import Foundation
import HTTPTypes
import Store
import Testing

/// Signing in and out, session expiry, brute-force slowing and the security headers.
@Suite struct AdminAuthTests {
    @Test func signingInStartsAFreshHttpOnlySessionAndSigningOutEndsIt() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            let browser = AdminBrowser(client: client)

            let unsigned = try await browser.get("/admin/customers?q=anna")
            #expect(unsigned.status == 303)
            #expect(unsigned.location == "/admin/login?next=%2Fadmin%2Fcustomers%3Fq%3Danna")

            let signedIn = try await browser.signIn(email: "Owner@Cafe.test")
            #expect(signedIn.status == 303)
            #expect(signedIn.location == "/admin")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("crema_admin=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/admin"))
            let firstSession = await browser.cookies["crema_admin"]

            let dashboard = try await browser.get("/admin")
            #expect(dashboard.status == 200)
            #expect(dashboard.contains("owner@cafe.test"))
            #expect(dashboard.contains("Dashboard"))

            // A new sign-in gets a new id; the stored id is only a hash.
            try await browser.signIn(email: "owner@cafe.test")
            let secondSession = await browser.cookies["crema_admin"]
            #expect(firstSession != secondSession)
            let storedRaw = try await LoyaltyFixture.over(app.database).count(
                "SELECT count(*)::int FROM admin_sessions WHERE encode(id_hash, 'escape') = \(secondSession ?? "")"
            )
            #expect(storedRaw == 0)

            let out = try await browser.post("/admin/logout")
            #expect(out.status == 303)
            #expect(out.location == "/admin/login")
            #expect(try await browser.get("/admin").status == 303)
        }
    }

    @Test func wrongPasswordsAreRefusedAndSlowedPerAccount() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            let browser = AdminBrowser(client: client)
            for _ in 1...5 {
                let wrong = try await browser.signIn(email: "owner@cafe.test", password: "guess")
                #expect(wrong.status == 401)
                #expect(wrong.contains("The email or password is wrong."))
                #expect(await browser.cookies["crema_admin"] == nil)
            }
            // Even the right password waits now, from any browser.
            let fresh = AdminBrowser(client: client)
            let throttled = try await fresh.signIn(email: "owner@cafe.test")
            #expect(throttled.status == 429)
            #expect(throttled.contains("Too many attempts"))
            #expect(throttled.headers[.retryAfter] != nil)

            app.clock.advance(by: 15 * 60)
            #expect(try await fresh.signIn(email: "owner@cafe.test").status == 303)

            // An unknown email is refused the same way.
            #expect(try await fresh.signIn(email: "nobody@cafe.test").status == 401)
        }
    }

    @Test func aBurstOfParallelGuessesGetsOnlyTheAllowedFewTries() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for attempt in 0..<60 {
                    group.addTask {
                        try await AdminBrowser(client: client).signIn(email: "owner@cafe.test", password: "guess \(attempt)").status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 401 }.count == 5, "\(statuses.sorted())")
            #expect(statuses.filter { $0 == 429 }.count == 55)
        }
    }

    @Test func aCorrectPasswordDoesNotUseUpTheAllowance() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            for _ in 1...8 { #expect(try await AdminBrowser(client: client).signIn(email: "owner@cafe.test").status == 303) }
            for _ in 1...5 { #expect(try await AdminBrowser(client: client).signIn(email: "owner@cafe.test", password: "x").status == 401) }
            #expect(try await AdminBrowser(client: client).signIn(email: "owner@cafe.test").status == 429)
        }
    }

    @Test func oneAddressTryingManyAccountsIsSlowedToo() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            let browser = AdminBrowser(client: client)
            // Four wrong passwords each for five accounts stay under every account's limit of five,
            // but one address gets four accounts' worth: twenty.
            for account in 1...5 {
                for _ in 1...4 {
                    #expect(try await browser.signIn(email: "guess\(account)@cafe.test", password: "guess").status == 401)
                }
            }
            let throttled = try await browser.signIn(email: "owner@cafe.test")
            #expect(throttled.status == 429)
            #expect(throttled.contains("Too many attempts"))
        }
    }

    @Test func theLoginFormNeedsItsOwnTokenAndNeverRedirectsAway() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            let browser = AdminBrowser(client: client)
            _ = try await browser.get("/admin/login")
            let forged = try await browser.post(
                "/admin/login", ["email": "owner@cafe.test", "password": "correct horse battery", "_csrf": "forged"], csrf: false
            )
            #expect(forged.status == 403)
            #expect(await browser.cookies["crema_admin"] == nil)

            let page = try await browser.get("/admin/login")
            let away = try await browser.post(
                "/admin/login",
                [
                    "email": "owner@cafe.test", "password": "correct horse battery", "_csrf": page.csrf ?? "",
                    "next": "//evil.example/admin",
                ],
                csrf: false
            )
            #expect(away.status == 303)
            #expect(away.location == "/admin")
        }
    }

    @Test func sessionsEndWhenIdleAndAtTheirAbsoluteExpiry() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            let idle = AdminBrowser(client: client)
            try await idle.signIn(email: "owner@cafe.test")
            app.clock.advance(by: 29 * 60)
            #expect(try await idle.get("/admin").status == 200)
            app.clock.advance(by: 31 * 60)
            #expect(try await idle.get("/admin").status == 303)
            let expiredPost = try await idle.post("/admin/settings", ["redeem_cap_percent": "50"])
            #expect(expiredPost.status == 401)
            #expect(expiredPost.contains("Your session has ended"))

            let busy = AdminBrowser(client: client)
            try await busy.signIn(email: "owner@cafe.test")
            for _ in 0..<36 {
                app.clock.advance(by: 20 * 60)
                _ = try await busy.get("/admin/settings")
            }
            // 12 h after signing in, activity or not.
            #expect(try await busy.get("/admin/settings").status == 303)
        }
    }

    @Test func signingOutEverywhereEndsEverySessionOfTheAccount() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            let phone = AdminBrowser(client: client), laptop = AdminBrowser(client: client)
            try await phone.signIn(email: "owner@cafe.test")
            try await laptop.signIn(email: "owner@cafe.test")
            _ = try await phone.get("/admin")
            #expect(try await phone.post("/admin/logout-everywhere").status == 303)
            #expect(try await laptop.get("/admin").status == 303)
        }
    }

    @Test func everyAdminPageCarriesTheSecurityHeaders() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner)
            let browser = AdminBrowser(client: client)
            try await browser.signIn(email: "owner@cafe.test")
            for path in ["/admin/login", "/admin", "/admin/customers"] {
                let page = try await browser.get(path)
                let policy = try #require(page.headers[.contentSecurityPolicy])
                #expect(policy.contains("default-src 'none'"))
                #expect(policy.contains("script-src 'self'"))
                #expect(!policy.contains("unsafe-inline"))
                #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                #expect(page.headers[.cacheControl] == "no-store")
            }
        }
    }
}
