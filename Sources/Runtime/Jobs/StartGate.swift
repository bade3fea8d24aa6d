import Synchronization

/// Holds background jobs back until the app says they may start (the schema check passed), or
/// tells them not to start at all (it failed). Any number of jobs may wait on one gate.
public final class StartGate: Sendable {
    private let state = Mutex<State>(.waiting([]))

    private enum State {
        case waiting([CheckedContinuation<Bool, Never>])
        case decided(Bool)
    }

    public init() {}

    /// A gate that never holds anything back.
    public static var open: StartGate {
        let gate = StartGate()
        gate.decide(true)
        return gate
    }

    /// Lets the waiting jobs start (`true`) or tells them to stand down (`false`); only the first
    /// decision counts.
    public func decide(_ start: Bool) {
        let waiting: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            guard case .waiting(let continuations) = state else { return [] }
            state = .decided(start)
            return continuations
        }
        for continuation in waiting { continuation.resume(returning: start) }
    }

    /// Whether to start, once it is decided.
    public func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            let decided: Bool? = state.withLock { state in
                switch state {
                case .waiting(let continuations):
                    state = .waiting(continuations + [continuation])
                    return nil
                case .decided(let start):
                    return start
                }
            }
            if let decided { continuation.resume(returning: decided) }
        }
    }
}
