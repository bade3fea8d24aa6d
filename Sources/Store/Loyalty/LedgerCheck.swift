import Logging
import PostgresNIO

/// Proves the books balance: for every customer the cached balance and debt equal the ledger
/// sums and never ran negative, every order's ledger rows match what it computed, every
/// cancellation and refund has exactly its reversals, refunds never pass their order, and the
/// lots add up (see `checkLots`). `crema check-ledger` runs it.
public struct LedgerCheck: Sendable {
    public struct Report: Sendable, Equatable {
        public var customersChecked: Int
        public var ordersChecked: Int
        /// One line per problem, naming the row.
        public var problems: [String]

        public var isClean: Bool { problems.isEmpty }
    }

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func run() async throws -> Report {
        try await database.withConnection(logger: logger) { connection in
            var problems: [String] = []
            func collect(_ query: PostgresQuery, _ describe: (Int64) -> String) async throws {
                for try await id in try await connection.run(query, logger: logger).decode(Int64.self) {
                    problems.append(describe(id))
                }
            }

            try await collect(
                """
                SELECT c.id FROM customers c
                LEFT JOIN (SELECT customer_id, sum(points) AS points, sum(debt) AS debt FROM points_ledger GROUP BY customer_id) l
                    ON l.customer_id = c.id
                WHERE c.points_balance <> coalesce(l.points, 0) OR c.points_debt <> coalesce(l.debt, 0)
                """
            ) { "customer \($0): cached balance or debt differs from the ledger sum" }

            try await collect(
                """
                SELECT DISTINCT customer_id FROM (
                    SELECT customer_id,
                           sum(points) OVER (PARTITION BY customer_id ORDER BY id) AS running_balance,
                           sum(debt) OVER (PARTITION BY customer_id ORDER BY id) AS running_debt
                    FROM points_ledger
                ) running
                WHERE running_balance < 0 OR running_debt < 0
                """
            ) { "customer \($0): the ledger's running balance or debt went below zero" }

            try await collect(
                """
                SELECT o.id FROM orders o
                LEFT JOIN LATERAL (
                    SELECT coalesce(sum(points) FILTER (WHERE kind = 'earn'), 0) AS credited,
                           coalesce(-sum(points) FILTER (WHERE kind = 'redeem'), 0) AS redeemed,
                           coalesce(-sum(debt) FILTER (WHERE kind = 'debt_repayment'), 0) AS repaid
                    FROM points_ledger WHERE order_id = o.id
                ) l ON true
                WHERE (o.import_source IS NULL
                       AND (l.credited <> o.points_earned - o.debt_repaid OR l.redeemed <> o.points_redeemed OR l.repaid <> o.debt_repaid))
                   -- History from the original system moves no points: its guest's balance came in whole.
                   OR (o.import_source IS NOT NULL AND (l.credited, l.redeemed, l.repaid) <> (0, 0, 0))
                """
            ) { "order \($0): its ledger rows do not match its quote" }

            try await collect(
                """
                SELECT oc.order_id FROM order_cancellations oc
                LEFT JOIN LATERAL (
                    SELECT coalesce(sum(points) FILTER (WHERE kind = 'redeem_reversal'), 0) AS restored,
                           coalesce(-sum(points) FILTER (WHERE kind = 'earn_reversal'), 0) AS taken_back,
                           coalesce(sum(debt) FILTER (WHERE kind = 'debt'), 0) AS debt_added
                    FROM points_ledger WHERE order_id = oc.order_id AND refund_id IS NULL
                ) l ON true
                WHERE l.restored <> oc.points_restored OR l.taken_back <> oc.points_taken_back OR l.debt_added <> oc.debt_added
                """
            ) { "order \($0): its cancellation's reversals are missing or wrong" }

            try await collect(
                """
                SELECT r.id FROM order_refunds r
                LEFT JOIN LATERAL (
                    SELECT coalesce(sum(points) FILTER (WHERE kind = 'redeem_reversal'), 0) AS restored,
                           coalesce(-sum(points) FILTER (WHERE kind = 'earn_reversal'), 0) AS taken_back,
                           coalesce(sum(debt) FILTER (WHERE kind = 'debt'), 0) AS debt_added
                    FROM points_ledger WHERE refund_id = r.id
                ) l ON true
                WHERE l.restored <> r.points_restored OR l.taken_back <> r.points_taken_back OR l.debt_added <> r.debt_added
                """
            ) { "refund \($0): its reversals are missing or wrong" }

            try await collect(
                """
                SELECT o.id FROM orders o
                JOIN (SELECT order_id, sum(amount_kopecks) AS refunded FROM order_refunds GROUP BY order_id) r ON r.order_id = o.id
                WHERE r.refunded > o.amount_kopecks
                """
            ) { "order \($0): its refunds add up to more than its amount" }

            try await collect(
                """
                SELECT c.id FROM customers c
                LEFT JOIN (
                    SELECT o.customer_id,
                           sum(o.amount_kopecks - coalesce(r.refunded, 0)) FILTER (WHERE oc.order_id IS NULL) AS spend
                    FROM orders o
                    LEFT JOIN order_cancellations oc ON oc.order_id = o.id
                    LEFT JOIN (SELECT order_id, sum(amount_kopecks) AS refunded FROM order_refunds GROUP BY order_id) r ON r.order_id = o.id
                    GROUP BY o.customer_id
                ) s ON s.customer_id = c.id
                WHERE c.qualification_spend_kopecks <> coalesce(s.spend, 0)
                """
            ) { "customer \($0): qualification spend differs from confirmed minus cancelled and refunded orders" }

            try await checkLots(on: connection, collect)

            let counts =
                try await connection.run(
                    "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM orders)", logger: logger
                ).collect().first?.decode((Int, Int).self) ?? (0, 0)
            return Report(customersChecked: counts.0, ordersChecked: counts.1, problems: problems)
        }
    }
}
