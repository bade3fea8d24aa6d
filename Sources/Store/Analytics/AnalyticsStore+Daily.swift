import Foundation
import PostgresNIO

/// One day of the dashboard's charts, in the café's time zone.
public struct DailyFigures: Sendable, Equatable, Codable {
    /// `YYYY-MM-DD`.
    public var day: String
    public var orders: Int
    public var revenueKopecks: Int64
    public var newCustomers: Int
    public var pointsIssued: Int64
    public var pointsRedeemed: Int64
}

extension AnalyticsStore {
    /// Every day of `[start, end)`, days without activity included as zeros. Cancelled orders
    /// are left out.
    /// With a `location`, orders and the points of its sales are that location's.
    public func daily(from start: Date, to end: Date, timeZone: String, location: Int64? = nil) async throws -> [DailyFigures] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH o AS (
                    SELECT date_trunc('day', o.created_at AT TIME ZONE \(timeZone)) AS d, count(*) AS n, sum(o.amount_kopecks) AS revenue
                    FROM orders o
                    WHERE o.created_at >= \(start) AND o.created_at < \(end)
                      AND (\(location)::bigint IS NULL OR o.location_id = \(location))
                      AND NOT EXISTS (SELECT 1 FROM order_cancellations c WHERE c.order_id = o.id)
                    GROUP BY 1
                ), c AS (
                    SELECT date_trunc('day', created_at AT TIME ZONE \(timeZone)) AS d, count(*) AS n
                    FROM customers WHERE created_at >= \(start) AND created_at < \(end) GROUP BY 1
                ), p AS (
                    SELECT date_trunc('day', created_at AT TIME ZONE \(timeZone)) AS d,
                           sum(points) FILTER (WHERE kind IN ('earn', 'manual_credit', 'birthday_credit', 'campaign_credit')) AS issued,
                           -sum(points) FILTER (WHERE kind = 'redeem') AS redeemed
                    FROM points_ledger
                    WHERE created_at >= \(start) AND created_at < \(end)
                      AND (\(location)::bigint IS NULL
                           OR order_id IN (SELECT id FROM orders WHERE location_id = \(location) AND created_at < \(end)))
                    GROUP BY 1
                ), days AS (
                    SELECT generate_series(
                        date_trunc('day', \(start)::timestamptz AT TIME ZONE \(timeZone)),
                        date_trunc('day', (\(end)::timestamptz - interval '1 second') AT TIME ZONE \(timeZone)),
                        interval '1 day'
                    ) AS d
                )
                SELECT to_char(days.d, 'YYYY-MM-DD'), coalesce(o.n, 0)::int, coalesce(o.revenue, 0)::bigint, coalesce(c.n, 0)::int,
                       coalesce(p.issued, 0)::bigint, coalesce(p.redeemed, 0)::bigint
                FROM days LEFT JOIN o USING (d) LEFT JOIN c USING (d) LEFT JOIN p USING (d)
                ORDER BY days.d
                """,
                logger: logger
            )
            var days: [DailyFigures] = []
            for try await (day, orders, revenue, customers, issued, redeemed) in rows.decode((String, Int, Int64, Int, Int64, Int64).self) {
                days.append(
                    DailyFigures(
                        day: day, orders: orders, revenueKopecks: revenue, newCustomers: customers,
                        pointsIssued: issued, pointsRedeemed: redeemed))
            }
            return days
        }
    }
}
