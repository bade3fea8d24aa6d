import Foundation
import Handlers
import Hummingbird
import HummingbirdTesting
import Logging
import Runtime
import Store

/// Pinned time and seeded randomness every test starts from, so results repeat exactly.
public enum TestDefaults {
    /// 2026-11-25 09:00 in Moscow (06:00 UTC).
    public static let now = Date(timeIntervalSince1970: 1_795_586_400)
    public static let seed: UInt64 = 20_261_125
}

/// The app under test, wired exactly as `crema serve` wires it, on its own database.
public struct TestApp: Sendable {
    public let configuration: AppConfiguration
    public let dependencies: AppDependencies
    public let clock: PinnedClockControl

    public var database: Database { dependencies.database }

    /// Builds the app over a fresh database and runs `body` against it in-process (no sockets).
    public static func with<Result: Sendable>(
        environment: [String: String] = [:],
        _ body: @Sendable (TestApp, any TestClientProtocol) async throws -> Result
    ) async throws -> Result {
        try await withTestDatabase { url in
            let app = try TestApp(databaseURL: url, environment: environment)
            return try await app.application().test(.router) { client in
                try await body(app, client)
            }
        }
    }

    public init(databaseURL: DatabaseURL, environment: [String: String] = [:]) throws {
        // Background jobs stay off: tests drive the outbox senders themselves, against the fake.
        var variables = [
            "APP_ENV": "test", "DATABASE_URL": databaseURL.string, "PORT": "0", "LOG_LEVEL": "warning",
            "BACKGROUND_JOBS": "false", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
        ]
        variables.merge(environment) { _, new in new }
        let random = RandomSource.seeded(TestDefaults.seed)
        let configuration = try AppConfiguration(environment: variables, random: random)
        let (clock, control) = AppClock.pinned(at: TestDefaults.now)
        let metrics = AppMetrics(version: CremaVersion.current, maximumDatabaseConnections: 10)
        var logger = Logger(label: "crema.test")
        logger.logLevel = configuration.logLevel
        let database = RunningDatabase.make(url: databaseURL)
        self.configuration = configuration
        self.clock = control
        self.dependencies = AppDependencies(
            database: Database(
                client: database.client, maximumConnections: 10, reachability: DatabaseReachability(databaseURL),
                observer: metrics.databaseObserver),
            migrator: Migrator(migrations: try Migration.bundled()),
            clock: clock,
            random: random,
            metrics: metrics,
            logger: logger
        )
    }

    public func application(schemaPolicy: SchemaPolicy = .requireCurrent) throws -> some ApplicationProtocol {
        try buildApplication(configuration: configuration, dependencies: dependencies, schemaPolicy: schemaPolicy)
    }
}
