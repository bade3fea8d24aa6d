import Foundation
import Logging
import PostgresNIO

/// Summaries for a period kept in PostgreSQL for `maxAge`, shared by every instance: a partner
/// asking for ten years every second costs one scan every few minutes, not one per request.
public struct AnalyticsCache: Sendable {
    let analytics: AnalyticsStore

    public init(analytics: AnalyticsStore) {
        self.analytics = analytics
    }

    public func summary(from start: Date, to end: Date, at now: Date, maxAge: TimeInterval) async throws -> AnalyticsSummary {
        let period = "\(Int64(start.timeIntervalSince1970))-\(Int64(end.timeIntervalSince1970))"
        let (database, logger) = (analytics.database, analytics.logger)
        let stored = try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                "SELECT summary::text FROM analytics_cache WHERE period = \(period) AND computed_at > \(now.addingTimeInterval(-maxAge))",
                logger: logger
            ).collect().first?.decode(String.self)
        }
        if let stored, let summary = try? JSONDecoder().decode(AnalyticsSummary.self, from: Data(stored.utf8)) { return summary }
        let summary = try await analytics.summary(from: start, to: end)
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                INSERT INTO analytics_cache (period, computed_at, summary) VALUES (\(period), \(now), \(json)::jsonb)
                ON CONFLICT (period) DO UPDATE SET computed_at = EXCLUDED.computed_at, summary = EXCLUDED.summary
                """,
                logger: logger
            )
            // Old periods go as new ones arrive: the table stays the size of what is being asked.
            try await connection.run(
                "DELETE FROM analytics_cache WHERE computed_at < \(now.addingTimeInterval(-24 * 3600))", logger: logger)
        }
        return summary
    }
}
