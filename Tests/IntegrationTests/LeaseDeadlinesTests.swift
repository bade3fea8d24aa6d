import Synchronization
import Testing

@testable import Store

/// The pool's one deadline watcher: a wait that outlives its deadline is ended once, within a
/// tick after it; a lease served in time is never touched; with nothing waiting the watcher stops.
@Suite struct LeaseDeadlinesTests {
    @Test func aWaitPastItsDeadlineIsEndedOnceAndOneServedInTimeNever() async throws {
        let deadlines = LeaseDeadlines(tick: .milliseconds(20))
        let expired = Mutex<[String]>([])
        let started = ContinuousClock.now
        let late = deadlines.watch(until: started + .milliseconds(100)) { expired.withLock { $0.append("late") } }
        let served = deadlines.watch(until: started + .milliseconds(100)) { expired.withLock { $0.append("served") } }
        deadlines.forget(served)
        #expect(deadlines.count == 1)

        try await Task.sleep(for: .milliseconds(60))
        // A busy machine may oversleep past the deadline: the check holds only for what was seen before it.
        let seenEarly = expired.withLock { $0 }
        if ContinuousClock.now - started < .milliseconds(100) {
            #expect(seenEarly.isEmpty, "nothing ends before its deadline")
        }
        while expired.withLock({ $0.isEmpty }) && ContinuousClock.now - started < .seconds(5) {
            try await Task.sleep(for: .milliseconds(5))
        }
        let ended = ContinuousClock.now - started
        #expect(expired.withLock { $0 } == ["late"])
        #expect(ended >= .milliseconds(100))
        #expect(deadlines.count == 0)
        deadlines.forget(late)  // forgetting an ended wait is harmless

        try await Task.sleep(for: .milliseconds(100))
        #expect(expired.withLock { $0 } == ["late"], "ended once")
    }

    @Test func theWatcherStopsWhenIdleAndStartsAgainForTheNextWait() async throws {
        let deadlines = LeaseDeadlines(tick: .milliseconds(10))
        let fired = Mutex(0)
        for round in 1...3 {
            _ = deadlines.watch(until: .now + .milliseconds(30)) { fired.withLock { $0 += 1 } }
            let started = ContinuousClock.now
            while fired.withLock({ $0 }) < round && ContinuousClock.now - started < .seconds(5) {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(fired.withLock { $0 } == round)
            // Longer than a tick with nothing waiting: the watcher has gone, and the next wait starts it.
            try await Task.sleep(for: .milliseconds(50))
            #expect(!deadlines.isWatching)
        }
    }

    @Test func manyLeasesAtOnceLeaveNothingWaiting() async throws {
        let deadlines = LeaseDeadlines(tick: .milliseconds(10))
        let fired = Fired()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<500 {
                group.addTask {
                    let ticket = deadlines.watch(until: .now + .seconds(10)) { fired.count.withLock { $0 += 1 } }
                    await Task.yield()
                    deadlines.forget(ticket)
                }
            }
        }
        #expect(deadlines.count == 0)
        #expect(fired.count.withLock { $0 } == 0)
    }
}

private final class Fired: Sendable {
    let count = Mutex(0)
}
