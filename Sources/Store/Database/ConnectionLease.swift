import PostgresNIO
import Synchronization

/// The pool could not lend a connection within the lease deadline: PostgreSQL is away (the pool
/// keeps trying to connect, and without a deadline a caller would wait for its circuit breaker,
/// about a minute) or every connection is busy for that long. Either way the caller should answer
/// "unavailable, retry" at once rather than hold its client.
public struct DatabaseUnavailable: Error, Sendable, CustomStringConvertible {
    public let waited: Duration
    public var description: String { "no database connection within \(waited)" }
}

/// A pooled connection taken with a deadline.
///
/// `PostgresClient` lends connections only inside `withConnection`, whose wait cannot be bounded
/// from outside. So a holder task enters `withConnection`, hands the connection over and waits
/// until it is given back; the caller waits for the handover at most `deadline` (kept by the
/// pool's `LeaseDeadlines`), and when that passes the holder is cancelled, which withdraws its
/// request from the pool.
struct ConnectionLease: Sendable {
    let connection: PostgresConnection
    private let handover: Handover

    static func take(from client: PostgresClient, within deadline: Duration, deadlines: LeaseDeadlines) async throws -> ConnectionLease {
        let handover = Handover()
        let holder = Task {
            do {
                try await client.withConnection { connection in
                    await handover.deliver(connection)
                }
            } catch {
                // The pool's own failure (it gave up, or it shut down) reaches the caller as itself.
                handover.fail(error)
                throw error
            }
        }
        let ticket = deadlines.watch(until: .now + deadline) {
            if handover.fail(DatabaseUnavailable(waited: deadline)) { holder.cancel() }
        }
        defer { deadlines.forget(ticket) }
        let connection = try await withTaskCancellationHandler {
            try await handover.connection()
        } onCancel: {
            if handover.fail(CancellationError()) { holder.cancel() }
        }
        return ConnectionLease(connection: connection, handover: handover)
    }

    /// Gives the connection back to the pool.
    func release() {
        handover.release()
    }
}

/// The meeting point of the holder task and the caller.
private final class Handover: Sendable {
    private enum State {
        case waiting(CheckedContinuation<PostgresConnection, any Error>?)
        case delivered(PostgresConnection, CheckedContinuation<Void, Never>?)
        case failed(any Error)
        case released
    }

    private let state = Mutex<State>(.waiting(nil))

    /// The caller's side: the connection, or `DatabaseUnavailable` once the deadline passed.
    func connection() async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<PostgresConnection, any Error>? = state.withLock { state in
                switch state {
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                case .delivered(let connection, _): return .success(connection)
                case .failed(let error): return .failure(error)
                case .released: return .failure(CancellationError())
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// The holder's side: hands the connection over, then keeps it until the caller gives it
    /// back (or, when the caller stopped waiting, returns it to the pool at once).
    func deliver(_ connection: PostgresConnection) async {
        await withCheckedContinuation { (returned: CheckedContinuation<Void, Never>) in
            let (waiter, keep): (CheckedContinuation<PostgresConnection, any Error>?, Bool) = state.withLock { state in
                switch state {
                case .waiting(let waiter):
                    state = .delivered(connection, returned)
                    return (waiter, true)
                case .failed, .released, .delivered:
                    return (nil, false)
                }
            }
            waiter?.resume(returning: connection)
            if !keep { returned.resume() }
        }
    }

    /// Ends the wait with `error` unless the connection already arrived; true when it did so.
    @discardableResult
    func fail(_ error: any Error) -> Bool {
        let waiter: CheckedContinuation<PostgresConnection, any Error>?? = state.withLock { state in
            guard case .waiting(let waiter) = state else { return .none }
            state = .failed(error)
            return .some(waiter)
        }
        guard case .some(let pending) = waiter else { return false }
        pending?.resume(throwing: error)
        return true
    }

    func release() {
        let returned: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard case .delivered(_, let returned) = state else { return nil }
            state = .released
            return returned
        }
        returned?.resume()
    }
}
