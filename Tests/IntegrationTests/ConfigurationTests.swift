import Foundation
import Runtime
import Store
import Testing

@Suite struct ConfigurationTests {
    let database = "postgres://crema:secret@127.0.0.1:5432/crema"

    /// A webhook secret long enough for prod (32 characters or more).
    static func longSecret(_ prefix: String) -> String { prefix + "_" + String(repeating: "x7", count: 16) }

    func load(_ variables: [String: String]) throws -> AppConfiguration {
        try AppConfiguration(environment: variables, random: .seeded(7))
    }

    func problem(_ variables: [String: String]) -> ConfigurationError? {
        do {
            _ = try load(variables)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func devDefaultsNeedOnlyADatabase() throws {
        let configuration = try load(["APP_ENV": "dev", "DATABASE_URL": database])
        #expect(configuration.environment == .dev)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.docsEnabled)
        // In dev the bots talk to the playground's stand-in inside the server, never to Telegram.
        #expect(configuration.telegram.apiBaseURL.absoluteString == "http://127.0.0.1:8080/dev/bot-api")
        #expect(configuration.database.database == "crema")
        #expect(configuration.database.password == "secret")
    }

    @Test func missingDatabaseURLIsNamed() {
        let error = problem([:])
        #expect(error?.variable == "DATABASE_URL")
        #expect(error?.description.hasPrefix("configuration error: DATABASE_URL is required") == true)
    }

    @Test(arguments: [
        ("PORT", "abc", "must be a whole number from 0 to 65535"),
        ("PORT", "70000", "must be a whole number from 0 to 65535"),
        ("APP_ENV", "staging", "must be one of dev, test, prod"),
        ("LOG_LEVEL", "loud", "must be one of trace"),
        ("DOCS_ENABLED", "maybe", "must be true or false"),
        ("DATABASE_URL", "mysql://x@h/db", "must start with postgres://"),
        ("DATABASE_URL", "postgres://user@host", "has no database name"),
        ("PUBLIC_BASE_URL", "crema.example.com", "must be an absolute http(s) URL"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "must be an absolute http(s) URL"),
        ("CORS_ALLOWED_ORIGINS", "https://pos.example.com,*", "comma-separated list of origins"),
        ("TRUSTED_PROXIES", "127.0.0.1,nginx.local", "comma-separated list of IP addresses"),
        ("DATABASE_POOL_SIZE", "0", "must be a whole number from 1 to 500"),
    ])
    func invalidValueNamesTheVariableAndTheProblem(variable: String, value: String, expected: String) {
        var variables = ["APP_ENV": "dev", "DATABASE_URL": database]
        variables[variable] = value
        let error = problem(variables)
        #expect(error?.variable == variable)
        #expect(error?.problem.contains(expected) == true, "\(String(describing: error))")
    }

    @Test func prodRequiresEverySecretAndThePublicURL() {
        let complete = [
            "APP_ENV": "prod", "DATABASE_URL": database, "PUBLIC_BASE_URL": "https://crema.example.com",
            "TELEGRAM_CLIENT_BOT_TOKEN": "123456:AAAbbbCCC_ddd-eee", "TELEGRAM_STAFF_BOT_TOKEN": "654321:ZZZyyy",
            "TELEGRAM_CLIENT_WEBHOOK_SECRET": Self.longSecret("client"), "TELEGRAM_STAFF_WEBHOOK_SECRET": Self.longSecret("staff"),
        ]
        #expect(problem(complete) == nil)
        for variable in complete.keys where variable != "APP_ENV" && variable != "DATABASE_URL" {
            var incomplete = complete
            incomplete[variable] = nil
            #expect(problem(incomplete)?.variable == variable)
            #expect(problem(incomplete)?.problem.contains("required in prod") == true)
        }
    }

    @Test func withoutAppEnvTheServerIsProductionNeverDev() {
        // Closed by default: the prod checks apply, and no dev route or generated secret exists.
        let error = problem(["DATABASE_URL": database])
        #expect(error?.variable == "PUBLIC_BASE_URL")
        #expect(error?.problem.contains("required in prod") == true)
    }

    @Test func prodRefusesWeakSecretsPlainHTTPAndUnencryptedDatabasesWhenAskedTo() {
        let complete = [
            "APP_ENV": "prod", "DATABASE_URL": database, "PUBLIC_BASE_URL": "https://crema.example.com",
            "TELEGRAM_CLIENT_BOT_TOKEN": "123456:AAAbbbCCC_ddd-eee", "TELEGRAM_STAFF_BOT_TOKEN": "654321:ZZZyyy",
            "TELEGRAM_CLIENT_WEBHOOK_SECRET": Self.longSecret("client"), "TELEGRAM_STAFF_WEBHOOK_SECRET": Self.longSecret("staff"),
        ]
        let short = problem(complete.merging(["TELEGRAM_STAFF_WEBHOOK_SECRET": "x"]) { $1 })
        #expect(short?.variable == "TELEGRAM_STAFF_WEBHOOK_SECRET" && short?.problem.contains("at least 32 characters") == true)
        let plain = problem(complete.merging(["PUBLIC_BASE_URL": "http://crema.example.com"]) { $1 })
        #expect(plain?.variable == "PUBLIC_BASE_URL" && plain?.problem.contains("https://") == true)
        let unencrypted = problem(complete.merging(["DATABASE_REQUIRE_TLS": "true"]) { $1 })
        #expect(unencrypted?.variable == "DATABASE_URL" && unencrypted?.problem.contains("sslmode=require") == true)
        #expect(
            problem(complete.merging(["DATABASE_REQUIRE_TLS": "true", "DATABASE_URL": database + "?sslmode=verify-full"]) { $1 }) == nil)
        #expect(problem(complete.merging(["DATABASE_REQUIRE_TLS": "true", "DATABASE_URL": database + "?sslmode=require"]) { $1 }) == nil)
    }

    @Test func aTestClockStartIsTakenOnlyInTestAndOnlyAsAnInstant() throws {
        let start = ["APP_ENV": "test", "DATABASE_URL": database, "CREMA_TEST_CLOCK_START": "2027-02-28T06:00:00Z"]
        #expect(try load(start).clockStart == Date(timeIntervalSince1970: 1_803_794_400))
        #expect(try load(["APP_ENV": "dev", "DATABASE_URL": database]).clockStart == nil)
        var dev = start
        dev["APP_ENV"] = "dev"
        #expect(problem(dev)?.description == "configuration error: CREMA_TEST_CLOCK_START is only for APP_ENV=test")
        var garbled = start
        garbled["CREMA_TEST_CLOCK_START"] = "tomorrow"
        #expect(problem(garbled)?.variable == "CREMA_TEST_CLOCK_START")
    }

    @Test func prodTurnsDocsOffUnlessAskedFor() throws {
        let prod = [
            "APP_ENV": "prod", "DATABASE_URL": database, "PUBLIC_BASE_URL": "https://crema.example.com",
            "TELEGRAM_CLIENT_BOT_TOKEN": "1:a", "TELEGRAM_STAFF_BOT_TOKEN": "2:b",
            "TELEGRAM_CLIENT_WEBHOOK_SECRET": Self.longSecret("c"), "TELEGRAM_STAFF_WEBHOOK_SECRET": Self.longSecret("d"),
        ]
        #expect(try load(prod).docsEnabled == false)
        #expect(try load(prod.merging(["DOCS_ENABLED": "true"]) { $1 }).docsEnabled == true)
        #expect(try load(prod).generatedSecrets.isEmpty)
    }

    @Test func devGeneratesMissingSecretsOnceAndReportsThem() throws {
        let configuration = try load(["APP_ENV": "dev", "DATABASE_URL": database, "TELEGRAM_STAFF_WEBHOOK_SECRET": "given"])
        let generated = Dictionary(uniqueKeysWithValues: configuration.generatedSecrets.map { ($0.variable, $0.value) })
        #expect(Set(generated.keys) == ["TELEGRAM_CLIENT_BOT_TOKEN", "TELEGRAM_STAFF_BOT_TOKEN", "TELEGRAM_CLIENT_WEBHOOK_SECRET"])
        #expect(configuration.telegram.staffWebhookSecret == "given")
        #expect(configuration.telegram.clientWebhookSecret == generated["TELEGRAM_CLIENT_WEBHOOK_SECRET"])
        #expect(configuration.telegram.clientWebhookSecret.count == 48)
        // The same seed gives the same secrets: tests can rely on them.
        #expect(
            try load(["APP_ENV": "dev", "DATABASE_URL": database]).telegram.clientWebhookSecret
                == load(["APP_ENV": "dev", "DATABASE_URL": database]).telegram.clientWebhookSecret)
    }

    @Test func aMalformedSecretIsRefusedWithoutEchoingIt() {
        let error = problem(["APP_ENV": "dev", "DATABASE_URL": database, "TELEGRAM_CLIENT_WEBHOOK_SECRET": "has spaces and $ecret"])
        #expect(error?.variable == "TELEGRAM_CLIENT_WEBHOOK_SECRET")
        #expect(error?.description.contains("$ecret") == false)
    }

    @Test func emptyValuesMeanTheDefault() throws {
        let configuration = try load(["APP_ENV": "dev", "DATABASE_URL": database, "PORT": "", "CORS_ALLOWED_ORIGINS": " "])
        #expect(configuration.port == 8080)
        #expect(configuration.corsAllowedOrigins.isEmpty)
    }

    @Test func corsOriginsAreNormalised() throws {
        let configuration = try load([
            "APP_ENV": "dev", "DATABASE_URL": database, "CORS_ALLOWED_ORIGINS": "https://pos.example.com/, http://localhost:3000",
        ])
        #expect(configuration.corsAllowedOrigins == ["https://pos.example.com", "http://localhost:3000"])
    }
}
