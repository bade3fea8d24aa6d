import Synchronization

/// Ends the waits for a pooled connection that outlived their deadline.
///
/// One watcher for the whole pool, waking every `tick` while anything waits, instead of a
/// sleeping task per lease: almost every lease is served within microseconds, and a cancelled
/// `Task.sleep` keeps its task and its dispatch timer until the deadline it was set for, so a
/// timer per lease cost a task spawn on every query and a task and a timer that lived 1.5 s each.
/// A wait ends at most one `tick` after its deadline.
final class LeaseDeadlines: Sendable {
    private struct Waiting {
        var deadline: ContinuousClock.Instant
        var expire: @Sendable () -> Void
    }

    private struct State {
        var waiting: [UInt64: Waiting] = [:]
        var nextTicket: UInt64 = 0
        var watching = false
    }

    private let state = Mutex(State())
    let tick: Duration

    init(tick: Duration = .milliseconds(50)) {
        self.tick = tick
    }

    /// Calls `expire` once `deadline` has passed, unless `forget` came first.
    func watch(until deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        let (ticket, startWatcher) = state.withLock { state in
            let ticket = state.nextTicket
            state.nextTicket &+= 1
            state.waiting[ticket] = Waiting(deadline: deadline, expire: expire)
            defer { state.watching = true }
            return (ticket, !state.watching)
        }
        if startWatcher {
            // Detached: the watcher outlives the request that started it and keeps none of its task-locals.
            Task.detached { await self.watchUntilIdle() }
        }
        return ticket
    }

    func forget(_ ticket: UInt64) {
        _ = state.withLock { $0.waiting.removeValue(forKey: ticket) }
    }

    /// Waiting leases right now, and whether the watcher runs; for tests.
    var count: Int { state.withLock { $0.waiting.count } }
    var isWatching: Bool { state.withLock { $0.watching } }

    private func watchUntilIdle() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (expired, idle): ([Waiting], Bool) = state.withLock { state in
                let expired = state.waiting.filter { $0.value.deadline <= now }
                for ticket in expired.keys { state.waiting.removeValue(forKey: ticket) }
                if state.waiting.isEmpty { state.watching = false }
                return (Array(expired.values), state.waiting.isEmpty)
            }
            for waiting in expired { waiting.expire() }
            if idle { return }
        }
    }
}
