import Domain
import Foundation
import PostgresNIO

/// What one run of the expiry job did.
public struct ExpiryReport: Sendable, Equatable {
    /// Guests told that points are about to expire.
    public var reminded: Int
    /// Lots that ran out with points left, and those points.
    public var expiredLots: Int
    public var expiredPoints: Int

    public init(reminded: Int = 0, expiredLots: Int = 0, expiredPoints: Int = 0) {
        self.reminded = reminded
        self.expiredLots = expiredLots
        self.expiredPoints = expiredPoints
    }
}

extension LoyaltyStore {
    /// Tells guests, once per lot, about points that expire within `reminderDays` after `today`
    /// (a date in the café's time zone): one message per guest and day, in their language,
    /// whatever their choice about promotional messages. Returns how many messages it queued.
    public func remindOfExpiringPoints(today: CalendarDate, reminderDays: Int, at now: Date, batch: Int = 5_000) async throws -> Int {
        let notice = String(decoding: try Notice.pointsExpiring(.init(points: 0, day: today)).encoded(), as: UTF8.self)
        let horizon = today.adding(days: max(0, reminderDays))
        var total = 0
        while true {
            let queued = try await session.withTransaction { connection in
                try await connection.run(
                    """
                    WITH due AS (
                        -- A lot a sale holds right now is told about on the next run.
                        SELECT id, customer_id, remaining, expires_on FROM point_lots
                        WHERE remaining > 0 AND reminded_at IS NULL AND expires_on IS NOT NULL
                          AND expires_on > \(today.description)::date AND expires_on <= \(horizon.description)::date
                        ORDER BY expires_on, customer_id, id
                        LIMIT \(batch)
                        FOR UPDATE SKIP LOCKED
                    ), marked AS (
                        UPDATE point_lots SET reminded_at = \(now) FROM due WHERE point_lots.id = due.id
                    ), per_guest AS (
                        SELECT customer_id, expires_on, sum(remaining)::int AS points FROM due GROUP BY customer_id, expires_on
                    ), message AS (
                        INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
                        SELECT 'client', c.telegram_id, c.id, 'transactional',
                               \(notice)::jsonb || jsonb_build_object('points', g.points, 'expires_on', g.expires_on::text),
                               c.language, \(now), \(now)
                        FROM per_guest g JOIN customers c ON c.id = g.customer_id
                        WHERE c.telegram_id IS NOT NULL AND c.anonymised_at IS NULL
                        RETURNING id
                    )
                    SELECT (SELECT count(*) FROM message)::int, (SELECT count(*) FROM due)::int
                    """,
                    logger: logger
                ).collect().first?.decode((Int, Int).self) ?? (0, 0)
            }
            total += queued.0
            if queued.1 < batch { return total }
        }
    }

    /// Expires every lot whose day has come by `today` (café time zone) with points left: one
    /// `expiry` ledger row per lot for exactly what it held, the balance down by as much, and one
    /// message per guest. Each batch locks its guests first, as a sale does, so a concurrent sale
    /// either spends the points before they expire or finds them gone, and a second instance
    /// running the same job finds nothing left to expire.
    public func expirePoints(today: CalendarDate, at now: Date, batch: Int = 1_000) async throws -> ExpiryReport {
        let notice = String(decoding: try Notice.pointsExpired(.init(points: 0, day: today, balance: 0)).encoded(), as: UTF8.self)
        var report = ExpiryReport()
        // Guests in id order, a batch at a time, through the index of open lots.
        var after: Int64 = 0
        while true {
            let (guests, lots, points) = try await session.withTransaction { connection in
                let guests = try await connection.run(
                    """
                    SELECT id FROM customers
                    WHERE id IN (
                        SELECT DISTINCT customer_id FROM point_lots
                        WHERE remaining > 0 AND customer_id > \(after) AND expires_on <= \(today.description)::date
                        ORDER BY customer_id LIMIT \(batch))
                    ORDER BY id
                    FOR UPDATE
                    """,
                    logger: logger
                ).collect().map { try $0.decode(Int64.self) }
                guard !guests.isEmpty else { return ([Int64](), 0, 0) }
                // A statement of its own, after the locks: it sees what the lots hold now.
                let expired =
                    try await connection.run(
                        """
                        WITH due AS (
                            SELECT id, customer_id, remaining, expires_on FROM point_lots
                            WHERE customer_id = ANY(\(guests)::bigint[]) AND remaining > 0 AND expires_on <= \(today.description)::date
                        ), emptied AS (
                            UPDATE point_lots SET remaining = 0 FROM due WHERE point_lots.id = due.id
                        ), ledger AS (
                            INSERT INTO points_ledger (customer_id, kind, points, lot_id, actor_kind, actor_id, reason, created_at)
                            SELECT customer_id, 'expiry', -remaining, id, 'system', 'expiry-job', 'expired on ' || expires_on::text, \(now)
                            FROM due ORDER BY customer_id, id
                        ), per_guest AS (
                            SELECT customer_id, sum(remaining)::int AS points, max(expires_on) AS day FROM due GROUP BY customer_id
                        ), account AS (
                            UPDATE customers c SET points_balance = c.points_balance - g.points, updated_at = \(now)
                            FROM per_guest g WHERE c.id = g.customer_id
                            RETURNING c.id, c.telegram_id, c.language, c.anonymised_at, c.points_balance
                        ), message AS (
                            INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
                            SELECT 'client', a.telegram_id, a.id, 'transactional',
                                   \(notice)::jsonb
                                       || jsonb_build_object('points', g.points, 'expires_on', g.day::text, 'balance', a.points_balance),
                                   a.language, \(now), \(now)
                            FROM account a JOIN per_guest g ON g.customer_id = a.id
                            WHERE a.telegram_id IS NOT NULL AND a.anonymised_at IS NULL
                        )
                        SELECT count(*)::int, coalesce(sum(remaining), 0)::int FROM due
                        """,
                        logger: logger
                    ).collect().first?.decode((Int, Int).self) ?? (0, 0)
                return (guests, expired.0, expired.1)
            }
            report.expiredLots += lots
            report.expiredPoints += points
            guard guests.count == batch, let last = guests.last else { return report }
            after = last
        }
    }
}
