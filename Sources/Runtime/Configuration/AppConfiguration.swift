import Foundation
import Logging
import Store

/// Every setting the server reads, taken from the environment only. `.env.example` documents each.
public struct AppConfiguration: Sendable {
    public var environment: AppEnvironment
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var database: DatabaseURL
    public var databasePoolSize: Int
    public var publicBaseURL: URL?
    public var telegram: TelegramConfiguration
    public var corsAllowedOrigins: [String]
    /// Proxies (nginx) whose `X-Forwarded-For` is believed; nobody else's is.
    public var trustedProxies: [String]
    public var docsEnabled: Bool
    /// Outbox senders and the periodic jobs; off only for instances that should just serve.
    public var backgroundJobsEnabled: Bool
    /// Test only: the instant the process's clock starts from (then it runs at real speed), so a
    /// test of the running server can be on a chosen day. Refused outside `APP_ENV=test`.
    public var clockStart: Date?
    /// Names of secrets made up for this run because dev/test had none; the CLI prints them once.
    public var generatedSecrets: [(variable: String, value: String)]

    public struct TelegramConfiguration: Sendable {
        public var clientBotToken: String
        public var staffBotToken: String
        public var clientWebhookSecret: String
        public var staffWebhookSecret: String
        public var apiBaseURL: URL
    }

    /// The dev playground serves the bots: with no Bot API address given in dev, they talk to the
    /// stand-in inside this very server (`/dev/bot-api`), never to Telegram.
    public var devPlaygroundEnabled: Bool { environment == .dev }

    static func playgroundBotAPI(host: String, port: Int) -> URL {
        let reachable = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return URL(string: "http://\(reachable):\(port)/dev/bot-api")!
    }

    /// Reads and validates the environment. Throws the first problem as a `ConfigurationError`.
    /// `talksToTelegram` is false for the one-shot tools that need only the database (migrate,
    /// check-ledger, seeds, keys, admins): in prod they start without the bots' secrets and
    /// public address, which stay empty, rather than asking an operator for them.
    public init(environment variables: [String: String], random: RandomSource, talksToTelegram: Bool = true) throws {
        var reader = EnvironmentReader(variables: variables)

        // Closed by default: without APP_ENV the server is production, with every check that brings.
        let environment = try reader.choice("APP_ENV", default: AppEnvironment.prod)
        self.environment = environment
        self.host = try reader.nonEmpty("HOST", default: "127.0.0.1")
        self.port = try reader.integer("PORT", default: 8080, range: 0...65535)
        self.logLevel = try reader.logLevel("LOG_LEVEL", default: environment == .prod ? .info : .debug)
        self.database = try reader.databaseURL("DATABASE_URL")
        if try reader.boolean("DATABASE_REQUIRE_TLS", default: false), !database.tlsMode.isRequired {
            throw ConfigurationError(
                variable: "DATABASE_URL", problem: "must use sslmode=require or sslmode=verify-full when DATABASE_REQUIRE_TLS is true")
        }
        self.databasePoolSize = try reader.integer("DATABASE_POOL_SIZE", default: 20, range: 1...500)
        let demandsServerSecrets = environment == .prod && talksToTelegram
        self.publicBaseURL = try reader.httpURL("PUBLIC_BASE_URL", required: demandsServerSecrets)
        if demandsServerSecrets, publicBaseURL?.scheme != "https" {
            // Telegram delivers webhooks only over https, and the admin cookie stays Secure.
            throw ConfigurationError(variable: "PUBLIC_BASE_URL", problem: "must be an https:// address in prod")
        }
        self.corsAllowedOrigins = try reader.origins("CORS_ALLOWED_ORIGINS")
        self.trustedProxies = try reader.ipAddresses("TRUSTED_PROXIES")
        self.docsEnabled = try reader.boolean("DOCS_ENABLED", default: environment != .prod)
        self.backgroundJobsEnabled = try reader.boolean("BACKGROUND_JOBS", default: true)
        self.clockStart = try reader.instant("CREMA_TEST_CLOCK_START")
        if clockStart != nil, environment != .test {
            throw ConfigurationError(variable: "CREMA_TEST_CLOCK_START", problem: "is only for APP_ENV=test")
        }

        let mayGenerate = environment != .prod
        let optional = environment == .prod && !talksToTelegram
        self.telegram = TelegramConfiguration(
            clientBotToken: try reader.secret(
                "TELEGRAM_CLIENT_BOT_TOKEN", format: .botToken, generateIfMissing: mayGenerate, optional: optional, random: random),
            staffBotToken: try reader.secret(
                "TELEGRAM_STAFF_BOT_TOKEN", format: .botToken, generateIfMissing: mayGenerate, optional: optional, random: random),
            clientWebhookSecret: try reader.secret(
                "TELEGRAM_CLIENT_WEBHOOK_SECRET", format: .webhookSecret, generateIfMissing: mayGenerate, optional: optional, random: random
            ),
            staffWebhookSecret: try reader.secret(
                "TELEGRAM_STAFF_WEBHOOK_SECRET", format: .webhookSecret, generateIfMissing: mayGenerate, optional: optional, random: random),
            apiBaseURL: try reader.httpURL("TELEGRAM_API_BASE_URL", required: false)
                ?? (environment == .dev ? Self.playgroundBotAPI(host: host, port: port) : URL(string: "https://api.telegram.org")!)
        )
        self.generatedSecrets = reader.generated
        if demandsServerSecrets {
            for (name, secret) in [
                ("TELEGRAM_CLIENT_WEBHOOK_SECRET", telegram.clientWebhookSecret),
                ("TELEGRAM_STAFF_WEBHOOK_SECRET", telegram.staffWebhookSecret),
            ] where secret.count < Self.minimumProductionSecretLength {
                throw ConfigurationError(
                    variable: name,
                    problem: "must be at least \(Self.minimumProductionSecretLength) characters in prod (openssl rand -hex 24)")
            }
        }
    }

    /// A webhook secret that cannot be guessed: 32 characters of 64 possible each.
    static let minimumProductionSecretLength = 32
}
