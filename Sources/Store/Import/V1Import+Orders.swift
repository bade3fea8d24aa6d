import Domain
import Foundation
import PostgresNIO

extension V1Import {
    /// One batch of v1 orders as history: refused ones reported, the rest written in one
    /// statement that skips what an earlier run wrote.
    func importOrders(_ batch: [V1.Order], vetting: OrderVetting, locationID: Int64, report: inout ImportReconciliation) async throws {
        report.orders.read += batch.count
        var accepted: [ImportedOrder] = []
        for order in batch {
            report.ordersSumIn = report.ordersSumIn + .rubles(Int64(order.totalSum))
            switch vetting.vet(order) {
            case .success(let imported):
                accepted.append(imported)
                report.ordersSumOut = report.ordersSumOut + imported.amount
            case .failure(let refusal):
                report.orders.refused.append(refusal)
                report.ordersSumRefused = report.ordersSumRefused + .rubles(Int64(order.totalSum))
            }
        }
        guard !accepted.isEmpty else { return }
        let fresh =
            options.dryRun
            ? try await countMissing(accepted.map(\.source), in: .orders) : try await insert(accepted, locationID: locationID)
        report.orders.imported += fresh
        report.orders.alreadyImported += accepted.count - fresh
    }

    private func insert(_ orders: [ImportedOrder], locationID: Int64) async throws -> Int {
        try await target.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH inserted AS (
                    INSERT INTO orders (import_source, customer_id, location_id, actor_kind, actor_id, staff_id, idempotency_key,
                                        request_fingerprint, amount_kopecks, max_redeemable, points_redeemed, amount_paid_kopecks,
                                        points_earned, debt_repaid, tier_before, tier_after, earn_rate_percent, redeem_cap_percent,
                                        balance_after, debt_after, created_at)
                    SELECT i.source, c.id, \(locationID), 'system', 'import-v1', s.id, i.source, 'import-v1', i.amount, i.redeemed, i.redeemed,
                           greatest(0, i.amount - i.redeemed * 100), i.earned, 0, c.tier_floor, c.tier_floor,
                           CASE WHEN i.earned > 0 THEN 1 ELSE 0 END, 0, 0, 0, i.created_at
                    FROM unnest(\(orders.map(\.source))::text[], \(orders.map(\.guestSource))::text[],
                                \(orders.map { $0.baristaSource ?? "" })::text[], \(orders.map(\.amount.kopecks))::bigint[],
                                \(orders.map(\.pointsRedeemed))::int[], \(orders.map(\.pointsEarned))::int[],
                                \(orders.map(\.createdAt))::timestamptz[])
                        AS i (source, guest, barista, amount, redeemed, earned, created_at)
                    JOIN customers c ON c.import_source = i.guest
                    LEFT JOIN staff s ON s.import_source = nullif(i.barista, '')
                    ON CONFLICT DO NOTHING
                    RETURNING 1
                )
                SELECT count(*)::int FROM inserted
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    /// How many of `sources` `table` does not hold yet: what a dry run would import.
    func countMissing(_ sources: [String], in table: ImportedTable) async throws -> Int {
        try await target.withConnection(logger: logger) { connection in
            for try await found in try await connection.run(table.countQuery(sources), logger: logger).decode(Int.self) {
                return sources.count - found
            }
            return sources.count
        }
    }
}

/// The Crema tables whose rows keep their source row's name.
enum ImportedTable {
    case orders, feedback

    func countQuery(_ sources: [String]) -> PostgresQuery {
        switch self {
        case .orders: return "SELECT count(*)::int FROM orders WHERE import_source = ANY(\(sources)::text[])"
        case .feedback: return "SELECT count(*)::int FROM feedback WHERE import_source = ANY(\(sources)::text[])"
        }
    }
}
