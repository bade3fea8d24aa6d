import PostgresNIO

extension LedgerCheck {
    /// The lots' proofs: every lot holds its opening plus the ledger rows naming it; a guest's lots
    /// sum to the balance; every expiry row emptied a lot whose day had come, for what it held;
    /// and every spending row (a redemption or a manual debit) drew from a lot only when every
    /// older lot of the guest was already empty.
    func checkLots(
        on connection: PostgresConnection, _ collect: (PostgresQuery, (Int64) -> String) async throws -> Void
    ) async throws {
        try await collect(
            """
            SELECT l.id FROM point_lots l
            LEFT JOIN (SELECT lot_id, sum(points) AS points FROM points_ledger WHERE lot_id IS NOT NULL GROUP BY lot_id) m ON m.lot_id = l.id
            WHERE l.remaining <> l.opening + coalesce(m.points, 0) OR l.remaining < 0
            """
        ) { "lot \($0): what it holds differs from its opening plus its ledger rows" }

        try await collect(
            """
            SELECT c.id FROM customers c
            LEFT JOIN (SELECT customer_id, sum(remaining) AS points FROM point_lots GROUP BY customer_id) l ON l.customer_id = c.id
            WHERE c.points_balance <> coalesce(l.points, 0)
            """
        ) { "customer \($0): the lots do not add up to the balance" }

        try await collect(
            """
            SELECT e.id FROM points_ledger e
            LEFT JOIN point_lots l ON l.id = e.lot_id
            WHERE e.kind = 'expiry' AND (
                l.id IS NULL OR l.expires_on IS NULL
                OR (e.created_at AT TIME ZONE coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'time_zone'), 'Europe/Moscow'))::date
                   < l.expires_on
                -- An expiry takes what the lot held then: all of it.
                OR l.opening + (SELECT coalesce(sum(points), 0) FROM points_ledger b WHERE b.lot_id = l.id AND b.id <= e.id) <> 0)
            """
        ) { "ledger row \($0): an expiry that does not match a lot that ran out" }

        try await collect(
            """
            SELECT e.id FROM points_ledger e
            JOIN point_lots l ON l.id = e.lot_id
            WHERE e.kind IN ('redeem', 'manual_debit') AND EXISTS (
                SELECT 1 FROM point_lots older
                WHERE older.customer_id = l.customer_id AND (older.earned_at, older.id) < (l.earned_at, l.id)
                  AND older.opening + (SELECT coalesce(sum(points), 0) FROM points_ledger b WHERE b.lot_id = older.id AND b.id < e.id) > 0)
            """
        ) { "ledger row \($0): points drawn from a lot while an older one still held some" }
    }
}
