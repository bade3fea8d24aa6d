import Foundation
import Synchronization

/// Hits of the partner API's per-key limits that this instance reserved from the shared counter in
/// PostgreSQL and has not used yet, so most requests count against their limits without a write.
///
/// The counter row (`rate_limit_counters`) stays the one truth across instances: an instance that
/// has nothing left reserves a block with one `hits = hits + block`, and of that block it may
/// serve only the hits numbered up to the limit. So a key never gets more than its limit in a
/// window, however many instances serve it. The price is on the other side: a block one instance
/// holds unused is not available to another. A block is an eighth of what the instance last saw
/// left in the window (`largestBlock` at most, 1 near the end and for limits under 16), so a key
/// can be refused while at most that much per instance lies unused elsewhere; with one instance
/// the limit is exact. Refused requests count, as every request does.
public final class ReservedHits: Sendable {
    /// The most hits one reservation takes.
    public static let largestBlock = 64
    /// A reservation takes this share (1/n) of what was left of the window.
    static let share = 8

    struct Slot: Hashable {
        var token: Data
        var setting: String
        var windowStart: Date
    }

    struct Held {
        var unused: Int
        /// The counter's value and the limit as the last reservation saw them.
        var counted: Int
        var maximum: Int
    }

    private let held = Mutex<[Slot: Held]>([:])

    public init() {}

    /// What a request does about one limit: a hit taken from this instance's reserve, or a block to
    /// reserve from the shared counter first.
    enum Claim: Equatable {
        case taken
        case reserve(Int)

        var block: Int {
            switch self {
            case .taken: 0
            case .reserve(let block): block
            }
        }
    }

    /// Takes a reserved hit of every slot that has one; for the others, says how large a block to
    /// reserve. Slots of windows before `windowStart` are dropped on the way.
    func claim(_ slots: [Slot], windowStart: Date) -> [Claim] {
        held.withLock { held in
            if held.keys.contains(where: { $0.windowStart < windowStart }) {
                held = held.filter { $0.key.windowStart >= windowStart }
            }
            return slots.map { slot in
                guard var holding = held[slot] else { return .reserve(1) }
                if holding.unused > 0 {
                    holding.unused -= 1
                    held[slot] = holding
                    return .taken
                }
                let left = holding.maximum - holding.counted
                return .reserve(min(Self.largestBlock, max(1, left / Self.share)))
            }
        }
    }

    /// Records a block reserved for `slot`: the counter reads `counted` after it, and the limit is
    /// `maximum`. Answers whether the request that reserved it may go ahead (it uses one hit of
    /// the block; the rest is kept for the requests after it).
    func reserved(_ block: Int, for slot: Slot, counted: Int, maximum: Int) -> Bool {
        let firstHit = counted - block + 1
        let allowed = min(block, max(0, maximum - firstHit + 1))
        held.withLock { held in
            var holding = held[slot] ?? Held(unused: 0, counted: 0, maximum: maximum)
            holding.unused += max(0, allowed - 1)
            holding.counted = max(holding.counted, counted)
            holding.maximum = maximum
            held[slot] = holding
        }
        return allowed > 0
    }

    /// Reserved hits nobody has used yet, in every slot (for tests of the tolerance).
    public var unused: Int {
        held.withLock { $0.values.reduce(0) { $0 + $1.unused } }
    }
}
