import Domain
import Foundation
import Logging
import PostgresNIO

/// The one way into the stores. On the pool, each command is its own transaction; a handler that
/// needs several changes to commit together (a Telegram update with its update-log row, its
/// effects and its outbox rows) opens one `transaction` and gets every store bound to it.
///
/// Handlers never see a connection: `StoreTransaction` wraps it and hands out stores.
public struct Store: Sendable {
    public let database: Database
    let logger: Logger
    let drawCode: @Sendable () -> PaymentCode

    public init(database: Database, logger: Logger, drawCode: @escaping @Sendable () -> PaymentCode) {
        self.database = database
        self.logger = logger
        self.drawCode = drawCode
    }

    /// The stores on the pool: each command leases its own connection (and transaction).
    /// Partner webhook endpoints and their deliveries.
    public var webhooks: WebhookStore { WebhookStore(database: database, logger: logger) }
    public var campaigns: CampaignStore { CampaignStore(database: database, logger: logger) }

    public var pool: StoreTransaction {
        StoreTransaction(session: .pool(database, logger: logger), drawCode: drawCode)
    }

    /// Runs `body` in one transaction, rolled back when it throws. With `retryingRaces`, a unique
    /// violation, serialization failure or deadlock runs the whole body again (up to that many
    /// tries in all): the body must then be safe to repeat, as an update handler is.
    public func transaction<Result: Sendable>(
        logger: Logger? = nil, retryingRaces attempts: Int = 1, _ body: (StoreTransaction) async throws -> Result
    ) async throws -> Result {
        let logger = logger ?? self.logger
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await database.withTransaction(logger: logger) { connection in
                    try await body(StoreTransaction(session: .transaction(connection, logger: logger), drawCode: drawCode))
                }
            } catch let error as PSQLError where attempt < attempts && error.isRetryableRace {
                continue
            }
        }
    }
}

/// Every store, bound to one transaction (or, as `Store.pool`, to the pool).
public struct StoreTransaction: Sendable {
    let session: SQLSession
    let drawCode: @Sendable () -> PaymentCode

    public var loyalty: LoyaltyStore { LoyaltyStore(session: session, drawCode: drawCode) }
    public var feedback: FeedbackStore { FeedbackStore(session: session) }
    public var staff: StaffStore { StaffStore(session: session) }
    public var invites: StaffInvites { StaffInvites(session: session) }
    public var staffReports: StaffReports { StaffReports(session: session) }
    public var broadcasts: BroadcastStore { BroadcastStore(session: session) }
    public var rateLimits: RateLimiter { RateLimiter(session: session) }
    public var updates: UpdateLog { UpdateLog(session: session) }
    public var outbox: OutboxWriter { OutboxWriter(session: session) }

    /// The chat's conversation rows of one bot, typed by that bot's state.
    public func conversations<State: ConversationState>(_ bot: OutboxStore.Bot, as state: State.Type) -> ConversationStore<State> {
        ConversationStore(bot: bot, session: session)
    }

    /// The owner's settings, read as they are now.
    public func settings() async throws -> LoyaltySettings {
        try await loyalty.settings()
    }
}

extension PSQLError {
    /// A unique violation, serialization failure or deadlock: the same work tried again succeeds.
    var isRetryableRace: Bool {
        guard let state = serverInfo?[.sqlState] else { return false }
        return state == "23505" || state == "40001" || state == "40P01"
    }
}
