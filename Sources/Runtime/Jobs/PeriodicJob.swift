import Logging
import ServiceLifecycle

/// One background job as its own `Service`: it waits until the schema is known to be current,
/// then runs `work` every `interval` until the service group shuts down. A failed run is logged
/// under the job's name and tried again after a backoff that doubles up to `maximumBackoff`, and
/// a successful run resets it.
public struct PeriodicJob: Service, CustomStringConvertible {
    public let name: String
    let interval: Duration
    let firstBackoff: Duration
    let maximumBackoff: Duration
    let gate: StartGate
    let logger: Logger
    let work: @Sendable () async throws -> Void

    public init(
        _ name: String, every interval: Duration, backoff firstBackoff: Duration, maximumBackoff: Duration = .seconds(300),
        after gate: StartGate = .open, logger: Logger, work: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.interval = interval
        self.firstBackoff = firstBackoff
        self.maximumBackoff = maximumBackoff
        self.gate = gate
        var logger = logger
        logger[metadataKey: "job"] = "\(name)"
        self.logger = logger
        self.work = work
    }

    public var description: String { name }

    public func run() async throws {
        guard await gate.wait() else {
            // The schema check failed and the app is stopping with its error; returning now
            // would replace that error with "a service finished unexpectedly".
            try? await gracefulShutdown()
            return
        }
        let runs = Task { await loop() }
        try? await gracefulShutdown()
        runs.cancel()
        // A run stuck in a database call that never returns (seen when PostgreSQL restarts
        // mid-query) must not hold the shutdown: give it a moment, then leave without it.
        do {
            try await withDeadline(.seconds(3)) { await runs.value }
            logger.debug("job stopped")
        } catch {
            logger.warning("job did not stop within 3 s; shutting down without it")
        }
    }

    /// The job's runs, until cancelled; every wait is a point where cancellation ends it.
    func loop() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await runOnce()
                failures = 0
                try await Task.sleep(for: interval)
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                let backoff = Self.backoff(after: failures, first: firstBackoff, maximum: maximumBackoff)
                logger.warning(
                    "job failed; trying again",
                    metadata: [
                        "error": "\(LoggedError.describe(error))", "retry_in": "\(backoff)",
                    ])
                do { try await Task.sleep(for: backoff) } catch { return }
            }
        }
    }

    /// One run of the job's work, now.
    public func runOnce() async throws {
        try await work()
    }

    /// The wait after the `failures`-th failure in a row: `first`, doubling, at most `maximum`.
    static func backoff(after failures: Int, first: Duration, maximum: Duration) -> Duration {
        var backoff = first
        for _ in 1..<max(1, failures) where backoff < maximum { backoff = backoff * 2 }
        return min(maximum, backoff)
    }
}
