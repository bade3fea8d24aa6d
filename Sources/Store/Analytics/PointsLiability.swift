import Logging
import PostgresNIO

/// The café's liability in points: what guests hold, by the month it expires.
public struct PointsLiability: Sendable {
    /// Points expiring in one month (`YYYY-MM`, café time zone), or never (`month` nil).
    public struct Month: Sendable, Equatable {
        public var month: String?
        public var points: Int
    }

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Soonest month first; points that never expire last.
    public func byExpiryMonth() async throws -> [Month] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT to_char(expires_on, 'YYYY-MM') AS month, sum(remaining)::bigint
                FROM point_lots WHERE remaining > 0
                GROUP BY 1 ORDER BY 1 NULLS LAST
                """,
                logger: logger
            )
            var months: [Month] = []
            for try await (month, points) in rows.decode((String?, Int64).self) {
                months.append(Month(month: month, points: Int(clamping: points)))
            }
            return months
        }
    }
}
