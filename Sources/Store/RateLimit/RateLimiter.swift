import Foundation
import Logging
import PostgresNIO

/// Fixed-window counters in PostgreSQL, so a limit holds however many instances serve.
public struct RateLimiter: SessionStore {
    public struct Limit: Sendable, Equatable {
        public var key: String
        public var maximum: Int
        public var window: TimeInterval

        public init(key: String, maximum: Int, window: TimeInterval) {
            self.key = key
            self.maximum = maximum
            self.window = window
        }

        func windowStart(at now: Date) -> Date {
            let seconds = now.timeIntervalSince1970
            return Date(timeIntervalSince1970: (seconds / window).rounded(.down) * window)
        }
    }

    let session: SQLSession

    /// Seconds until the window of the first exhausted limit ends, or nil while all have room.
    public func retryAfter(_ limits: [Limit], at now: Date) async throws -> TimeInterval? {
        guard !limits.isEmpty else { return nil }
        let starts = limits.map { $0.windowStart(at: now) }
        let windows = zip(limits.map(\.key), starts).map { (key: $0, start: $1) }
        // One statement for every two limits (callers have one or two); a window nobody hit has no row.
        let rows = try await session.withConnection { connection in
            var rows: [PostgresRow] = []
            for first in stride(from: 0, to: windows.count, by: 2) {
                let pair = windows[first..<min(first + 2, windows.count)]
                rows += try await connection.collect(PeekCounters(pair), logger: logger)
            }
            return rows
        }
        let counted = try rows.map { row -> (key: String, start: Date, hits: Int) in try row.decode((String, Date, Int).self) }
        for (limit, start) in zip(limits, starts) {
            let hits = counted.first { $0.key == limit.key && $0.start == start }?.hits ?? 0
            if hits >= limit.maximum {
                return max(1, start.addingTimeInterval(limit.window).timeIntervalSince(now).rounded(.up))
            }
        }
        return nil
    }

    /// Takes one hit from every limit in one statement each, before the work it guards: of any
    /// number of concurrent callers, only as many as a limit allows get nil; the rest get the
    /// seconds until its window ends. Every call counts, refused ones too.
    public func take(_ limits: [Limit], at now: Date) async throws -> TimeInterval? {
        try await session.withConnection { connection in
            var wait: TimeInterval?
            for limit in limits {
                let start = limit.windowStart(at: now)
                let hits =
                    try await connection.run(
                        """
                        INSERT INTO rate_limit_counters (key, window_start, hits) VALUES (\(limit.key), \(start), 1)
                        ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1
                        RETURNING hits
                        """,
                        logger: logger
                    ).collect().first?.decode(Int.self) ?? 0
                if hits > limit.maximum {
                    wait = max(wait ?? 0, max(1, start.addingTimeInterval(limit.window).timeIntervalSince(now).rounded(.up)))
                }
            }
            return wait
        }
    }

    /// Returns a hit `take` counted, for work that turned out fine (a correct password).
    public func giveBack(_ limits: [Limit], at now: Date) async throws {
        try await session.withConnection { connection in
            for limit in limits {
                try await connection.run(
                    """
                    UPDATE rate_limit_counters SET hits = greatest(hits - 1, 0)
                    WHERE key = \(limit.key) AND window_start = \(limit.windowStart(at: now))
                    """,
                    logger: logger
                )
            }
        }
    }

    /// Counts one hit against each limit.
    public func record(_ limits: [Limit], at now: Date) async throws {
        try await session.withConnection { connection in
            for limit in limits {
                try await connection.run(
                    """
                    INSERT INTO rate_limit_counters (key, window_start, hits) VALUES (\(limit.key), \(limit.windowStart(at: now)), 1)
                    ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1
                    """,
                    logger: logger
                )
            }
        }
    }

    /// Deletes windows that ended before `cutoff`.
    public static func prune(before cutoff: Date, database: Database, logger: Logger) async throws -> Int {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                "DELETE FROM rate_limit_counters WHERE window_start < \(cutoff) RETURNING 1", logger: logger
            ).collect().count
        }
    }
}

/// The counters of one or two windows that have been hit. Two windows as plain parameters rather
/// than arrays: PostgreSQL then keeps one generic plan instead of planning every call again
/// (with arrays it planned 1,579 times in 1,571 calls, 0.17 ms each against 0.02 to run).
struct PeekCounters: PlannedStatement {
    static let parameters = StatementParameters<PeekCounters>([
        .init("first_key", .text) { $0.first.key },
        .init("first_start", .timestamptz) { $0.first.start },
        .init("second_key", .text) { $0.second?.key },
        .init("second_start", .timestamptz) { $0.second?.start },
    ])

    static let sql = parameters.sql(
        """
        SELECT key, window_start, hits FROM rate_limit_counters
        WHERE (key = :first_key AND window_start = :first_start) OR (key = :second_key AND window_start = :second_start)
        """)

    var first: (key: String, start: Date)
    var second: (key: String, start: Date)?

    init(_ windows: ArraySlice<(key: String, start: Date)>) {
        first = windows[windows.startIndex]
        second = windows.dropFirst().first
    }
}
