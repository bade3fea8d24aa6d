import Logging
import PostgresNIO
import _ConnectionPoolModule

/// The one door to PostgreSQL: every store command leases its connection here, so pool use is
/// measured in one place and transactions behave the same everywhere.
public struct Database: Sendable {
    public let client: PostgresClient
    public let maximumConnections: Int
    /// How long a command waits for a pooled connection before it asks whether PostgreSQL is there
    /// at all: when it is away, the command answers "unavailable" then, well within two seconds,
    /// instead of waiting for the pool's circuit breaker (about a minute).
    public let leaseDeadline: Duration
    /// How much longer a command waits when PostgreSQL answers but the pool is slow (all
    /// connections busy, or new ones still opening under load).
    public let busyDeadline: Duration
    /// Tells "away" from "busy"; without one, a slow lease is always waited for.
    let reachability: DatabaseReachability?
    let observer: DatabaseObserver
    let deadlines = LeaseDeadlines()

    public init(
        client: PostgresClient, maximumConnections: Int, reachability: DatabaseReachability? = nil,
        leaseDeadline: Duration = .milliseconds(1500), busyDeadline: Duration = .seconds(15), observer: DatabaseObserver = .none
    ) {
        self.client = client
        self.maximumConnections = maximumConnections
        self.reachability = reachability
        self.leaseDeadline = leaseDeadline
        self.busyDeadline = busyDeadline
        self.observer = observer
    }

    public func withConnection<Result: Sendable>(
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let requested = ContinuousClock.now
        do {
            let lease = try await lease()
            defer { lease.release() }
            // The pool may lend a connection whose server just went away, before it has noticed;
            // a statement written to it would never be answered.
            guard !lease.connection.isClosed else { throw ConnectionClosed() }
            observer.leased(ContinuousClock.now - requested)
            defer { observer.released() }
            return try await body(lease.connection)
        } catch {
            if error.isConnectionFailure { observer.connectionFailed() }
            throw error
        }
    }

    private func lease() async throws -> ConnectionLease {
        do {
            return try await ConnectionLease.take(from: client, within: leaseDeadline, deadlines: deadlines)
        } catch let unavailable as DatabaseUnavailable {
            if let reachability, await reachability.isAway() { throw unavailable }
            return try await ConnectionLease.take(from: client, within: busyDeadline, deadlines: deadlines)
        }
    }

    /// Runs `body` between BEGIN and COMMIT, rolling back when it throws.
    ///
    /// Unlike `PostgresClient.withTransaction`, the error `body` threw comes out unchanged, so a
    /// domain error raised inside a transaction reaches the caller as itself.
    public func withTransaction<Result: Sendable>(
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection(logger: logger) { connection in
            try await connection.run("BEGIN", logger: logger)
            let result: Result
            do {
                result = try await body(connection)
            } catch {
                // A statement written to a connection that already closed is never answered
                // (PostgresNIO drops the write), and the server rolled the transaction back itself.
                if !error.isConnectionFailure && !connection.isClosed {
                    _ = try? await connection.run("ROLLBACK", logger: logger)
                }
                throw error
            }
            guard !connection.isClosed else { throw ConnectionClosed() }
            try await connection.run("COMMIT", logger: logger)
            return result
        }
    }
}

/// The connection closed before a statement could be sent on it (a transaction on it was rolled
/// back by PostgreSQL).
public struct ConnectionClosed: Error, CustomStringConvertible {
    public var description: String { "the connection closed" }
}

/// Hooks for pool metrics; the runtime passes Prometheus-backed ones, tests pass none.
public struct DatabaseObserver: Sendable {
    public var leased: @Sendable (_ waited: Duration) -> Void
    public var released: @Sendable () -> Void
    public var connectionFailed: @Sendable () -> Void

    public init(
        leased: @escaping @Sendable (Duration) -> Void,
        released: @escaping @Sendable () -> Void,
        connectionFailed: @escaping @Sendable () -> Void
    ) {
        self.leased = leased
        self.released = released
        self.connectionFailed = connectionFailed
    }

    public static let none = DatabaseObserver(leased: { _ in }, released: {}, connectionFailed: {})
}

extension Error {
    /// True when PostgreSQL could not be reached or the connection broke, as opposed to a
    /// statement that PostgreSQL rejected.
    public var isConnectionFailure: Bool {
        if let error = self as? PSQLError {
            switch error.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection, .poolClosed:
                return true
            case .server:
                // Class 08 (connection exception) and 57P (shutdown, crash, still starting up):
                // PostgreSQL itself says "not now", which a retry a moment later gets past.
                guard let state = error.serverInfo?[.sqlState] else { return false }
                return state.hasPrefix("08") || state.hasPrefix("57P")
            default:
                return false
            }
        }
        // The pool gave up lending a connection: it could not open one for a while, or it is shutting down.
        if self is ConnectionPoolError || self is DatabaseUnavailable || self is ConnectionClosed { return true }
        return self is PostgresNIO.PostgresError
    }
}

extension Error {
    /// True when PostgreSQL refused a value itself (SQLSTATE class 22, data exception: a NUL
    /// character, a number out of range…): the caller sent bad input, which is a 400, not a 500.
    public var isRefusedValue: Bool {
        guard let error = self as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("22")
    }
}
