import Domain
import Foundation
import PostgresNIO

extension V1Import {
    /// Each imported guest's qualification spend from their orders (confirmed, less cancelled and
    /// refunded, as `check-ledger` counts it), and their tier: the highest of what they hold,
    /// their v1 floor and what that spend reaches under today's rules.
    func settleSpendAndTiers(now: Date) async throws {
        let rules = try await target.withConnection(logger: logger) { connection in
            try await LoyaltySettings.load(on: connection, logger: logger).rules
        }
        var changes: [(id: Int64, spend: Int64, tier: Tier)] = []
        try await target.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT c.id, c.tier, c.tier_floor, c.qualification_spend_kopecks, coalesce(s.spend, 0)::bigint
                FROM customers c
                LEFT JOIN LATERAL (
                    SELECT sum(o.amount_kopecks - coalesce((SELECT sum(r.amount_kopecks) FROM order_refunds r WHERE r.order_id = o.id), 0))
                        AS spend
                    FROM orders o
                    WHERE o.customer_id = c.id AND NOT EXISTS (SELECT 1 FROM order_cancellations oc WHERE oc.order_id = o.id)
                ) s ON true
                WHERE c.import_source LIKE 'v1:users:%'
                """, logger: logger)
            for try await (id, tier, floor, held, spend) in rows.decode((Int64, String, String, Int64, Int64).self) {
                let current = Tier(stored: tier)
                let settled = max(current, Tier(stored: floor), rules.tier(forSpend: Money(kopecks: spend)))
                if settled != current || held != spend { changes.append((id, spend, settled)) }
            }
        }
        for batch in changes.chunks(of: 10_000) {
            try await target.withConnection(logger: logger) { connection in
                try await connection.run(
                    """
                    UPDATE customers c SET qualification_spend_kopecks = i.spend, tier = i.tier, updated_at = \(now)
                    FROM unnest(\(batch.map(\.id))::bigint[], \(batch.map(\.spend))::bigint[], \(batch.map(\.tier.rawValue))::text[])
                        AS i (id, spend, tier)
                    WHERE c.id = i.id
                    """, logger: logger)
            }
        }
    }

    /// One audit row per real run, with the reconciliation's figures.
    func audit(_ report: ImportReconciliation, at now: Date) async throws {
        var figures: [String: [String: Int]] = [:]
        for tally in report.tallies {
            figures[tally.table] = [
                "read": tally.read, "imported": tally.imported, "already_imported": tally.alreadyImported,
                "history_only": tally.historyOnly, "refused": tally.refused.count,
            ]
        }
        figures["points"] = [
            "in": report.pointsIn, "out": report.pointsOut, "on_refused_guests": report.pointsOfRefusedGuests,
            "negative_left_out": report.negativePointsLeftOut,
        ]
        let after = String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)
        try await target.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                VALUES (\(now), 'system', 'import-v1', 'import.v1', 'location', \(report.location), \(after)::jsonb)
                """, logger: logger)
        }
    }
}
