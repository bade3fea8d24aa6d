import Domain
import Logging
import Store

/// Everything a handler may use, passed in rather than reached for: the database, the schema this
/// build expects, time, randomness, metrics and the logger.
public struct AppDependencies: Sendable {
    public var database: Database
    public var migrator: Migrator
    public var clock: AppClock
    public var random: RandomSource
    public var metrics: AppMetrics
    public var logger: Logger

    public init(database: Database, migrator: Migrator, clock: AppClock, random: RandomSource, metrics: AppMetrics, logger: Logger) {
        self.database = database
        self.migrator = migrator
        self.clock = clock
        self.random = random
        self.metrics = metrics
        self.logger = logger
    }

    /// The stores over this database, drawing payment codes from `random`.
    public var store: Store {
        Store(database: database, logger: logger, random: random)
    }

    /// The loyalty engine on the pool: each command its own transaction.
    public var loyalty: LoyaltyStore { store.pool.loyalty }
}

public enum CremaVersion {
    public static let current = "0.1.0"
}
