import Logging
import Store

/// Answers "can this instance serve traffic?": PostgreSQL answers within a deadline and every
/// migration this build ships has been applied.
public struct ReadinessProbe: Sendable {
    public enum Verdict: Sendable, Equatable {
        case ready
        case unavailable(reason: String)
    }

    let database: Database
    let migrator: Migrator
    let deadline: Duration

    public init(database: Database, migrator: Migrator, deadline: Duration = .seconds(2)) {
        self.database = database
        self.migrator = migrator
        self.deadline = deadline
    }

    public func check(logger: Logger) async -> Verdict {
        let status: Migrator.Status
        do {
            status = try await withDeadline(deadline) {
                try await migrator.status(on: database, logger: logger)
            }
        } catch is DeadlineExceeded {
            return .unavailable(reason: "database did not answer within \(deadline)")
        } catch {
            logger.debug("readiness check failed", metadata: ["error": "\(String(reflecting: error))"])
            return .unavailable(reason: "database unreachable")
        }
        if !status.edited.isEmpty {
            return .unavailable(reason: "applied migrations were edited: \(status.edited.joined(separator: ", "))")
        }
        if !status.pending.isEmpty {
            return .unavailable(reason: "migrations not applied: \(status.pending.joined(separator: ", "))")
        }
        return .ready
    }
}

struct DeadlineExceeded: Error {}

/// Runs `work`, giving up (and cancelling it) after `deadline`.
func withDeadline<Result: Sendable>(_ deadline: Duration, _ work: @escaping @Sendable () async throws -> Result) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: deadline)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw DeadlineExceeded() }
        return first
    }
}
