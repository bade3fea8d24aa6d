import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

@Suite struct CommandLineTests {
    @Test func helpDescribesEverySubcommand() async throws {
        let outcome = try await CremaProcess.run(["--help"], environment: [:])
        #expect(outcome.status == 0)
        for subcommand in ["serve", "migrate", "seed-demo"] {
            #expect(outcome.stdout.contains(subcommand), "\(outcome.stdout)")
        }
        #expect(outcome.stdout.contains("Apply pending database migrations"))
    }

    @Test func aBadSettingStopsStartUpWithOneLineNamingIt() async throws {
        let outcome = try await CremaProcess.run(["serve"], environment: ["DATABASE_URL": "postgres://x@127.0.0.1/db", "PORT": "eighty"])
        #expect(outcome.status == 78)
        #expect(outcome.stderr == "configuration error: PORT must be a whole number from 0 to 65535 (got \"eighty\")\n")
    }

    @Test func serveRefusesAnUnmigratedDatabaseAndSaysWhatToDo() async throws {
        try await withTestDatabase(empty: true) { url in
            let outcome = try await CremaProcess.run(
                ["serve"], environment: ["APP_ENV": "test", "DATABASE_URL": url.string, "PORT": "0", "LOG_LEVEL": "error"]
            )
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("unapplied migrations"))
            #expect(outcome.stderr.contains("crema serve --migrate"))
        }
    }

    @Test func serveWithoutAppEnvIsProductionAndRefusesToStartWithoutItsSecrets() async throws {
        let outcome = try await CremaProcess.run(["serve"], environment: ["DATABASE_URL": "postgres://x@127.0.0.1/db"])
        #expect(outcome.status == 78)
        #expect(outcome.stderr == "configuration error: PUBLIC_BASE_URL is required in prod (e.g. https://crema.example.com)\n")
    }

    @Test func aOneShotToolInProductionNeedsOnlyTheDatabase() async throws {
        try await withTestDatabase { url in
            // No APP_ENV (so prod), no bot secrets: migrate and check-ledger still run.
            let environment = ["DATABASE_URL": url.string, "LOG_LEVEL": "error"]
            let migrated = try await CremaProcess.run(["migrate"], environment: environment)
            #expect(migrated.status == 0, "\(migrated.stderr)")
            #expect(try await CremaProcess.run(["check-ledger"], environment: environment).status == 0)
        }
    }

    @Test func seedDemoAddsGuestsOnceOnly() async throws {
        try await withTestDatabase { url in
            let environment = ["APP_ENV": "test", "DATABASE_URL": url.string, "LOG_LEVEL": "error"]
            let first = try await CremaProcess.run(["seed-demo"], environment: environment)
            let second = try await CremaProcess.run(["seed-demo"], environment: environment)
            #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
            #expect(first.stdout.contains("8 guests and 2 staff added"))
            #expect(second.stdout.contains("0 guests and 0 staff added"))
        }
    }

    @Test func theDemoMonthIsABelievableMonthWrittenOnceThroughTheEngine() async throws {
        try await withTestDatabase { url in
            let environment = [
                "APP_ENV": "test", "DATABASE_URL": url.string, "LOG_LEVEL": "error", "CREMA_TEST_CLOCK_START": "2026-11-25T06:00:00Z",
            ]
            let first = try await CremaProcess.run(["seed-demo", "--month"], environment: environment)
            let again = try await CremaProcess.run(["seed-demo", "--month"], environment: environment)
            #expect(first.status == 0 && again.status == 0, "\(first.stderr)\(again.stderr)")
            #expect(first.stdout.contains("demo month: 20 more guests, "))
            #expect(again.stdout.contains("demo month: the café already has sales; nothing added"))
            #expect(first.stdout.contains("demo campaigns: 3 started"))
            #expect(again.stdout.contains("demo campaigns: 0 started (the café already has campaigns)"))
            try await RunningDatabase.with(url: url) { database in
                let fixture = try await LoyaltyFixture.over(database)
                let orders = try await fixture.count("SELECT count(*)::int FROM orders")
                #expect((300...700).contains(orders))
                // Every day of the month sold something; weekends more than weekdays on average.
                #expect(
                    try await fixture.count(
                        "SELECT count(DISTINCT date_trunc('day', created_at AT TIME ZONE 'Europe/Moscow'))::int FROM orders") >= 29)
                let weekendShare = try await fixture.count(
                    """
                    SELECT (100 * avg(n) FILTER (WHERE weekend) / avg(n) FILTER (WHERE NOT weekend))::int FROM (
                        SELECT extract(isodow FROM created_at AT TIME ZONE 'Europe/Moscow') >= 6 AS weekend, count(*) AS n
                        FROM orders GROUP BY date_trunc('day', created_at AT TIME ZONE 'Europe/Moscow'), 1) AS days
                    """)
                #expect(weekendShare > 115)
                #expect(try await fixture.count("SELECT count(*)::int FROM orders WHERE points_redeemed > 0") > 10)
                #expect(try await fixture.count("SELECT count(*)::int FROM order_cancellations") == 1)
                #expect(try await fixture.count("SELECT count(*)::int FROM gift_redemptions") >= 2)
                #expect(try await fixture.count("SELECT count(*)::int FROM feedback WHERE kind = 'review' AND order_id IS NOT NULL") >= 8)
                #expect(try await fixture.count("SELECT count(*)::int FROM broadcasts WHERE finished_at IS NOT NULL") == 1)
                #expect(try await fixture.count("SELECT count(*)::int FROM outbox WHERE status = 'pending'") == 0)
                #expect(try await fixture.checkLedger().isClean)
            }
        }
    }

    @Test func createAdminMakesAnAccountThatSignsInAndResetsItLater() async throws {
        try await withTestDatabase { url in
            let environment = ["APP_ENV": "test", "DATABASE_URL": url.string, "LOG_LEVEL": "error"]
            #expect(try await CremaProcess.run(["migrate"], environment: environment).status == 0)
            let short = try await CremaProcess.run(
                ["create-admin", "--email", "Owner@Cafe.test", "--role", "owner"], environment: environment, input: "short\n")
            #expect(short.status != 0 && short.stderr.contains("the password must have at least"))
            let created = try await CremaProcess.run(
                ["create-admin", "--email", "Owner@Cafe.test", "--role", "owner"], environment: environment,
                input: "correct horse battery\n")
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout.hasSuffix("owner@cafe.test created as owner\n"))
            let reset = try await CremaProcess.run(
                ["create-admin", "--email", "owner@cafe.test", "--role", "viewer"], environment: environment,
                input: "another good password\n")
            #expect(reset.stdout.hasSuffix("owner@cafe.test: password and role reset, sessions ended\n"))
            let local = try await CremaProcess.run(
                ["create-admin", "--email", "north@cafe.test", "--role", "admin", "--location", "main"], environment: environment,
                input: "correct horse battery\n")
            #expect(local.stdout.hasSuffix("north@cafe.test created as admin for the location main\n"), "\(local.stderr)")
            let nowhere = try await CremaProcess.run(
                ["create-admin", "--email", "x@cafe.test", "--role", "admin", "--location", "mars"], environment: environment,
                input: "correct horse battery\n")
            #expect(nowhere.status != 0 && nowhere.stderr.contains("no open location mars"))
            let chainOwner = try await CremaProcess.run(
                ["create-admin", "--email", "y@cafe.test", "--role", "owner", "--location", "main"], environment: environment,
                input: "correct horse battery\n")
            #expect(chainOwner.status != 0 && chainOwner.stderr.contains("an owner manages the whole chain"))
            try await RunningDatabase.with(url: url) { database in
                let fixture = try await LoyaltyFixture.over(database)
                #expect(
                    try await fixture.count("SELECT count(*)::int FROM admins WHERE email = 'owner@cafe.test' AND role = 'viewer'") == 1)
                #expect(try await fixture.count("SELECT count(*)::int FROM admins WHERE location_id IS NOT NULL") == 1)
            }
        }
    }

    @Test func apiKeysAreListedWithoutSecretsAndRevokedByPrefix() async throws {
        try await withTestDatabase { url in
            let environment = ["APP_ENV": "test", "DATABASE_URL": url.string, "LOG_LEVEL": "error"]
            #expect(try await CremaProcess.run(["migrate"], environment: environment).status == 0)
            let created = try await CremaProcess.run(
                ["api-key", "create", "--name", "POS main", "--scopes", "orders:read"], environment: environment)
            #expect(created.status == 0, "\(created.stderr)")
            let key = try #require(created.stdout.split(separator: "\n").first.map(String.init))
            let prefix = String(key.split(separator: "_").prefix(2).joined(separator: "_"))
            let listed = try await CremaProcess.run(["api-key", "list"], environment: environment)
            #expect(listed.stdout == "\(prefix)\tactive\tPOS main\tMain café\torders:read\tlast used never\n")
            #expect(!listed.stdout.contains(key))
            #expect(try await CremaProcess.run(["api-key", "revoke", prefix], environment: environment).stdout == "revoked \(prefix)\n")
            let again = try await CremaProcess.run(["api-key", "revoke", prefix], environment: environment)
            #expect(again.status != 0 && again.stderr.contains("no active key with the prefix \(prefix)"))
            #expect(try await CremaProcess.run(["api-key", "list"], environment: environment).stdout.contains("\trevoked\t"))
        }
    }

    @Test func runBirthdaysGivesTheDaysGiftsOnceAndRefusesABadDate() async throws {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                let fixture = try await LoyaltyFixture.over(database)
                let maria = try await fixture.guest()
                try await fixture.store.changeBirthDate(
                    customerID: maria.id, to: CalendarDate(year: 1990, month: 3, day: 8), today: CalendarDate(year: 2027, month: 3, day: 8),
                    at: TestDefaults.now)
            }
            let environment = ["APP_ENV": "test", "DATABASE_URL": url.string, "LOG_LEVEL": "error"]
            let first = try await CremaProcess.run(["run-birthdays", "--date", "2027-03-08"], environment: environment)
            let again = try await CremaProcess.run(["run-birthdays", "--date", "2027-03-08"], environment: environment)
            #expect(first.status == 0 && again.status == 0, "\(first.stderr)\(again.stderr)")
            #expect(first.stdout == "2027-03-08: 1 birthday gift given\n")
            #expect(again.stdout == "2027-03-08: 0 birthday gifts given\n")
            let bad = try await CremaProcess.run(["run-birthdays", "--date", "2027-02-30"], environment: environment)
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("--date must be a real date, YYYY-MM-DD"))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func theHealthCheckPassesOnlyWhileTheInstanceAnswers() async throws {
        try await withTestDatabase { url in
            let port = try await ClusterScript.freePort()
            let server = try CremaProcess(
                ["serve"], environment: ["APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "error"]
            )
            defer { server.signal(SIGTERM) }
            try await waitUntilReady(port: port, server: server)
            let healthy = try await CremaProcess.run(["healthcheck"], environment: ["PORT": String(port)])
            #expect(healthy.status == 0, "\(healthy.stderr)")
            let closed = try await ClusterScript.freePort()
            let unhealthy = try await CremaProcess.run(["healthcheck", "--url", "http://127.0.0.1:\(closed)/healthz"], environment: [:])
            #expect(unhealthy.status == 1)
            #expect(unhealthy.stderr == "healthcheck: http://127.0.0.1:\(closed)/healthz did not answer 200\n")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func serveLogsJSONAndShutsDownCleanlyOnSIGTERM() async throws {
        try await withTestDatabase { url in
            let port = try await ClusterScript.freePort()
            let server = try CremaProcess(
                ["serve"], environment: ["APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "info"]
            )
            try await waitUntilReady(port: port, server: server)
            server.signal(SIGTERM)
            let outcome = try await server.waitForExit(timeout: .seconds(20))
            #expect(outcome.status == 0, "\(outcome.stderr)")

            let lines = outcome.stdout.split(separator: "\n")
            #expect(!lines.isEmpty)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["ts"] != nil && object?["level"] != nil && object?["msg"] != nil, "\(line)")
            }
            let requestLine = lines.first { $0.contains(#""route":"\/readyz""#) || $0.contains(#""route":"/readyz""#) }
            #expect(requestLine?.contains("\"request_id\"") == true)
        }
    }

    func waitUntilReady(port: Int, server: CremaProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            #expect(server.isRunning)
            if let status = try? await HTTPProbe.status(of: "http://127.0.0.1:\(port)/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("crema serve did not become ready on port \(port)")
    }
}
