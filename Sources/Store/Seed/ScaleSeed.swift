import Foundation
import Logging
import PostgresNIO

/// Synthetic guests and orders for scale tests (`crema seed-demo --customers 1000000 --orders
/// 10000000`), made by PostgreSQL itself with generate_series in large batches.
///
/// The history is simple but consistent: every order earns 1 % (the standard rate) through an
/// `earn` ledger row filling a lot of its own (expiring by the café's setting), balances and
/// qualification spend are the sums of those rows, and tiers
/// follow the spend. `check-ledger` passes on the result. Each synthetic order's `balance_after`
/// is the points that order earned, not a running total.
public struct ScaleSeed: Sendable {
    public let customers: Int
    public let orders: Int
    public let batchSize: Int

    public init(customers: Int, orders: Int, batchSize: Int = 500_000) {
        self.customers = customers
        self.orders = orders
        self.batchSize = batchSize
    }

    static let firstNames = [
        "Анна", "Мария", "Елена", "Ольга", "Наталья", "Ирина", "Светлана", "Татьяна", "Юлия", "Дарья",
        "Алексей", "Дмитрий", "Сергей", "Андрей", "Иван", "Михаил", "Никита", "Павел", "Артём", "Егор",
    ]
    static let lastNames = [
        "Иванова", "Смирнова", "Кузнецова", "Попова", "Васильева", "Петрова", "Соколова", "Михайлова",
        "Новикова", "Фёдорова", "Морозова", "Волкова", "Алексеева", "Лебедева", "Семёнова", "Егорова",
        "Павлова", "Козлова", "Степанова", "Николаева",
    ]

    public func run(on database: Database, logger: Logger, at now: Date = Date(), report: @Sendable (String) -> Void) async throws {
        let started = ContinuousClock.now
        let (firstCustomer, lastCustomer) = try await addCustomers(database: database, logger: logger, at: now, report: report)
        report("scale seed: \(customers) guests in \(Self.seconds(since: started))")
        guard orders > 0 else { return }
        let ordersStarted = ContinuousClock.now
        let (firstOrder, lastOrder) = try await addOrders(
            customerIDs: firstCustomer...lastCustomer, database: database, logger: logger, at: now, report: report
        )
        try await settleAccounts(orderIDs: firstOrder...lastOrder, database: database, logger: logger)
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("ANALYZE customers", logger: logger)
            try await connection.run("ANALYZE orders", logger: logger)
            try await connection.run("ANALYZE points_ledger", logger: logger)
            try await connection.run("ANALYZE point_lots", logger: logger)
        }
        report(
            "scale seed: \(orders) orders with their ledger rows in \(Self.seconds(since: ordersStarted)); total \(Self.seconds(since: started))"
        )
    }

    /// Telegram ids from 7 000 000 000 up, phones +79 5xx…, continuing after earlier runs.
    func addCustomers(database: Database, logger: Logger, at now: Date, report: (String) -> Void) async throws -> (Int64, Int64) {
        let offset = try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                "SELECT count(*)::bigint FROM customers WHERE telegram_id >= 7000000000 AND telegram_id < 8000000000", logger: logger
            ).collect().first?.decode(Int64.self) ?? 0
        }
        var first: Int64?
        var last: Int64 = 0
        var done = 0
        while done < customers {
            let count = min(batchSize, customers - done)
            let from = offset + Int64(done) + 1, to = offset + Int64(done + count)
            let range = try await database.withConnection(logger: logger) { connection in
                try await connection.run(
                    """
                    WITH added AS (
                        INSERT INTO customers (telegram_id, phone, first_name, last_name, language, birth_date, created_at, updated_at)
                        SELECT 7000000000 + g, '+79' || (500000000 + g)::text,
                               (\(Self.firstNames))[1 + g % 20], (\(Self.lastNames))[1 + (g / 20) % 20],
                               CASE WHEN g % 10 = 0 THEN 'en' ELSE 'ru' END,
                               CASE WHEN g % 3 = 0 THEN date '1970-01-01' + (g % 15000)::int END,
                               \(now)::timestamptz - make_interval(secs => (g * 7919) % (730 * 86400)),
                               \(now)::timestamptz
                        FROM generate_series(\(from)::bigint, \(to)::bigint) AS g
                        RETURNING id
                    )
                    SELECT min(id), max(id) FROM added
                    """,
                    logger: logger
                ).collect().first?.decode((Int64, Int64).self)
            }
            if let range {
                first = first ?? range.0
                last = range.1
            }
            done += count
            report("scale seed: \(done) of \(customers) guests")
        }
        guard let first else { throw ScaleSeedError.nothingAdded }
        return (first, last)
    }

    func addOrders(
        customerIDs: ClosedRange<Int64>, database: Database, logger: Logger, at now: Date, report: (String) -> Void
    ) async throws -> (Int64, Int64) {
        let tag = String(Int(now.timeIntervalSince1970))
        let span = Int64(customerIDs.count)
        var first: Int64?
        var last: Int64 = 0
        var done = 0
        while done < orders {
            let count = min(batchSize, orders - done)
            let from = Int64(done) + 1, to = Int64(done + count)
            let range = try await database.withTransaction(logger: logger) { connection in
                try await connection.run(
                    """
                    WITH made AS (
                        -- Ids drawn up front, so each order's ledger row can name the lot it fills.
                        SELECT g, nextval(pg_get_serial_sequence('orders', 'id')) AS order_id,
                               nextval(pg_get_serial_sequence('point_lots', 'id')) AS lot_id,
                               \(customerIDs.lowerBound) + (g * 2654435761) % \(span) AS customer_id,
                               15000 + (g * 7919) % 60000 AS amount,
                               \(now)::timestamptz - make_interval(secs => (g * 104729) % (730 * 86400)) AS created_at
                        FROM generate_series(\(from)::bigint, \(to)::bigint) AS g
                    ), added AS (
                        INSERT INTO orders (id, customer_id, location_id, actor_kind, actor_id, idempotency_key, request_fingerprint,
                                            amount_kopecks, max_redeemable, points_redeemed, amount_paid_kopecks, points_earned,
                                            debt_repaid, tier_before, tier_after, earn_rate_percent, redeem_cap_percent,
                                            balance_after, debt_after, created_at)
                        OVERRIDING SYSTEM VALUE
                        SELECT order_id, customer_id, (SELECT id FROM locations WHERE slug = 'main'), 'api_key', 'scale-seed',
                               'seed:' || \(tag) || ':' || g, 'seed', amount, amount * 30 / 10000, 0, amount, amount / 10000,
                               0, 'standard', 'standard', 1, 30, amount / 10000, 0, created_at
                        FROM made
                        RETURNING id
                    ), validity AS (
                        SELECT coalesce((SELECT (value #>> '{}')::int FROM settings WHERE key = 'points_validity_months'), 0) AS months,
                               coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'time_zone'), 'Europe/Moscow') AS zone
                    ), lots AS (
                        -- PostgreSQL adds months as PointsValidity does: 31 January + 1 month is 28 February.
                        INSERT INTO point_lots (id, customer_id, remaining, earned_at, expires_on)
                        OVERRIDING SYSTEM VALUE
                        SELECT lot_id, customer_id, amount / 10000, created_at,
                               CASE WHEN v.months > 0
                                    THEN ((created_at AT TIME ZONE v.zone)::date + make_interval(months => v.months))::date END
                        FROM made, validity v
                    ), ledger AS (
                        INSERT INTO points_ledger (customer_id, kind, points, order_id, lot_id, actor_kind, actor_id, created_at)
                        SELECT customer_id, 'earn', amount / 10000, order_id, lot_id, 'api_key', 'scale-seed', created_at FROM made
                    )
                    SELECT min(id), max(id) FROM added
                    """,
                    logger: logger
                ).collect().first?.decode((Int64, Int64).self)
            }
            if let range {
                first = first ?? range.0
                last = range.1
            }
            done += count
            report("scale seed: \(done) of \(orders) orders")
        }
        guard let first else { throw ScaleSeedError.nothingAdded }
        return (first, last)
    }

    /// Balances, spend and tiers from the orders just added, in one statement.
    func settleAccounts(orderIDs: ClosedRange<Int64>, database: Database, logger: Logger) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH sums AS (
                    SELECT customer_id, sum(points_earned)::int AS points, sum(amount_kopecks)::bigint AS spend
                    FROM orders WHERE id BETWEEN \(orderIDs.lowerBound) AND \(orderIDs.upperBound) GROUP BY customer_id
                ), thresholds AS (
                    SELECT (SELECT (value #>> '{}')::bigint FROM settings WHERE key = 'tier_silver_from_kopecks') AS silver,
                           (SELECT (value #>> '{}')::bigint FROM settings WHERE key = 'tier_gold_from_kopecks') AS gold,
                           (SELECT (value #>> '{}')::bigint FROM settings WHERE key = 'tier_platinum_from_kopecks') AS platinum
                )
                UPDATE customers c SET points_balance = c.points_balance + sums.points,
                    qualification_spend_kopecks = c.qualification_spend_kopecks + sums.spend,
                    tier = CASE WHEN c.qualification_spend_kopecks + sums.spend >= t.platinum THEN 'platinum'
                                WHEN c.qualification_spend_kopecks + sums.spend >= t.gold THEN 'gold'
                                WHEN c.qualification_spend_kopecks + sums.spend >= t.silver THEN 'silver'
                                ELSE 'standard' END
                FROM sums, thresholds t
                WHERE c.id = sums.customer_id
                """,
                logger: logger
            )
        }
    }
}

extension ScaleSeed {
    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = start.duration(to: .now)
        return String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

public enum ScaleSeedError: Error {
    case nothingAdded
}
