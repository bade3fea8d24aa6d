import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Runtime

/// The helper every background job is built on.
@Suite struct PeriodicJobTests {
    /// Log records kept in memory, to read what a job said and under which name.
    final class Recorded: Sendable {
        let lines = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
        var logger: Logger {
            Logger(label: "test") { _ in Handler(recorded: self) }
        }

        struct Handler: LogHandler {
            let recorded: Recorded
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                let merged = metadata.merging(event.metadata ?? [:]) { $1 }
                recorded.lines.withLock { $0.append((event.level, "\(event.message)", merged)) }
            }
        }
    }

    final class Counter: Sendable {
        let runs = Mutex<[ContinuousClock.Instant]>([])
        var count: Int { runs.withLock { $0.count } }
        func tick() { runs.withLock { $0.append(.now) } }
    }

    @Test func aJobRunsAgainAfterItsIntervalAndStopsAtShutdown() async throws {
        let counter = Counter()
        let job = PeriodicJob("ticker", every: .milliseconds(50), backoff: .milliseconds(10), logger: Recorded().logger) {
            counter.tick()
        }
        let group = ServiceGroup(services: [job], logger: Logger(label: "test"))
        let started = ContinuousClock.now
        let ranFor = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Waits for the second run rather than a fixed time: a busy machine delays both.
            let deadline = ContinuousClock.now + .seconds(10)
            while counter.count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return ContinuousClock.now - started
        }
        let runs = counter.count
        #expect(runs >= 2)
        #expect(runs <= Int(ranFor / .milliseconds(50)) + 2, "\(runs) runs in \(ranFor): more than one per interval")
        try await Task.sleep(for: .milliseconds(150))
        #expect(counter.count == runs, "no run after the shutdown")
    }

    @Test func aFailedRunIsLoggedUnderTheJobsNameAndRetriedWithAGrowingBackoff() async throws {
        let recorded = Recorded()
        let counter = Counter()
        struct Flaky: Error {}
        let job = PeriodicJob(
            "flaky job", every: .seconds(60), backoff: .milliseconds(40), maximumBackoff: .milliseconds(160),
            logger: recorded.logger
        ) {
            counter.tick()
            if counter.count <= 4 { throw Flaky() }
        }
        let loop = Task { try await job.run() }
        // The retries take 440 ms at least; a busy machine may take longer, never 10 s.
        let deadline = ContinuousClock.now + .seconds(10)
        while counter.count < 5, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(200))
        loop.cancel()
        _ = await loop.result
        let runs = counter.runs.withLock { $0 }
        #expect(runs.count == 5, "four failures, then one success that waits its minute")
        let gaps = zip(runs.dropFirst(), runs).map { $0 - $1 }
        try #require(gaps.count == 4)
        #expect(gaps[0] >= .milliseconds(40) && gaps[1] >= .milliseconds(80) && gaps[2] >= .milliseconds(160))
        #expect(gaps[3] >= .milliseconds(160))
        let warnings = recorded.lines.withLock { $0 }.filter { $0.0 == .warning }
        #expect(warnings.count == 4)
        #expect(warnings.allSatisfy { $0.1 == "job failed; trying again" && $0.2["job"] == "flaky job" })
    }

    @Test func theBackoffDoublesUpToItsMaximum() {
        let waits = (1...6).map { PeriodicJob.backoff(after: $0, first: .seconds(2), maximum: .seconds(30)) }
        #expect(waits == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
    }

    @Test func aJobBehindAClosedGateNeverRuns() async throws {
        let counter = Counter()
        let gate = StartGate()
        let job = PeriodicJob("gated", every: .milliseconds(10), backoff: .milliseconds(10), after: gate, logger: Recorded().logger) {
            counter.tick()
        }
        let loop = Task { try await job.run() }
        try await Task.sleep(for: .milliseconds(100))
        #expect(counter.count == 0, "nothing runs before the schema check decides")
        gate.decide(false)
        // The job now waits for the app, stopping with the schema's error, to end it.
        try await Task.sleep(for: .milliseconds(100))
        loop.cancel()
        _ = await loop.result
        #expect(counter.count == 0)
    }

    @Test func anOpenedGateLetsEveryWaitingJobStart() async throws {
        let gate = StartGate()
        async let first = gate.wait()
        async let second = gate.wait()
        try await Task.sleep(for: .milliseconds(20))
        gate.decide(true)
        gate.decide(false)
        let (started, alsoStarted) = await (first, second)
        #expect(started && alsoStarted)
        #expect(await gate.wait(), "the first decision stands")
    }
}
