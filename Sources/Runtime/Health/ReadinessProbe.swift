import Logging
import Store
import Synchronization

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
            logger.debug("readiness check failed", metadata: ["error": "\(LoggedError.describe(error))"])
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

public struct DeadlineExceeded: Error {}

/// Runs `work`, giving up (and cancelling it) after `deadline`.
/// Runs `work` but answers by `deadline` whatever happens. The work runs as its own task and is
/// cancelled at the deadline; unlike a task group, the answer does not wait for it to finish, so
/// a database call that never returns (seen when PostgreSQL restarts mid-query) cannot hang the
/// request or, through it, the server's shutdown.
public func withDeadline<Result: Sendable>(
    _ deadline: Duration, _ work: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let answer = FirstAnswer<Result>()
    return try await withCheckedThrowingContinuation { continuation in
        answer.wait(with: continuation)
        let worker = Task {
            do { answer.give(.success(try await work())) } catch { answer.give(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: deadline)
            worker.cancel()
            answer.give(.failure(DeadlineExceeded()))
        }
    }
}

/// Resumes a continuation with the first of several answers and ignores the rest.
final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, any Error>?>(nil)

    func wait(with continuation: CheckedContinuation<Value, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    func give(_ result: Result<Value, any Error>) {
        let waiting = continuation.withLock { pending in
            defer { pending = nil }
            return pending
        }
        waiting?.resume(with: result)
    }
}
