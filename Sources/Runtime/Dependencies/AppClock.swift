import Foundation
import Synchronization

/// Wall-clock time as a dependency, so rules that depend on "now" (code expiry, cancel windows,
/// birthdays) can be pinned in tests.
public struct AppClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public var now: Date { read() }

    public static let system = AppClock { Date() }

    /// The system's clock moved to start at `start`: it runs at real speed from there.
    public static func starting(at start: Date) -> AppClock {
        let offset = start.timeIntervalSinceNow
        return AppClock { Date().addingTimeInterval(offset) }
    }

    /// A clock that stands still until moved; tests advance it explicitly.
    public static func pinned(at start: Date) -> (clock: AppClock, control: PinnedClockControl) {
        let control = PinnedClockControl(start: start)
        return (AppClock { control.now }, control)
    }
}

/// Moves a pinned clock.
public final class PinnedClockControl: Sendable {
    private let current: Mutex<Date>

    init(start: Date) {
        self.current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by interval: TimeInterval) {
        current.withLock { $0 += interval }
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
