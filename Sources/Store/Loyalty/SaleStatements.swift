import Domain
import Foundation
import PostgresNIO

// The sale's hot statements, prepared once per connection: PostgreSQL then parses and plans
// them once instead of on every sale, which halves the work it does per confirmation
// (bench/README.md, "Sale confirmation").

/// The guest's account, locked for the rest of the transaction, read together with the
/// settings and whether the sale's idempotency key already made an order, so the sale takes one
/// round trip before its write.
struct LockedGuest: Sendable {
    var customerID: Int64
    var telegramID: Int64?
    var language: String
    var tier: String
    var balance: Int
    var debt: Int
    var qualificationSpend: Int64
    var blocked: Bool
    /// The payment code's expiry, when the guest was named by one.
    var codeExpiresAt: Date?
    var settings: LoyaltySettings
    var saleExists: Bool

    typealias Columns = (Int64, Int64?, String, String, Int, Int, Int64, Bool, Date?, [String], [String], Bool)

    init(_ row: PostgresRow) throws {
        let columns = try row.decode(Columns.self)
        (customerID, telegramID, language, tier, balance, debt, qualificationSpend, blocked, codeExpiresAt) =
            (columns.0, columns.1, columns.2, columns.3, columns.4, columns.5, columns.6, columns.7, columns.8)
        settings = LoyaltySettings(values: Dictionary(zip(columns.9, columns.10), uniquingKeysWith: { first, _ in first }))
        saleExists = columns.11
    }

    /// The statement every variant runs, with its own source of the guest `c` (and of the code's
    /// expiry); `$1` is the sale's idempotency key.
    static func select(codeExpiry: String, from source: String) -> String {
        """
        SELECT c.id, c.telegram_id, c.language, c.tier, c.points_balance, c.points_debt, c.qualification_spend_kopecks,
               c.blocked_at IS NOT NULL OR c.anonymised_at IS NOT NULL, \(codeExpiry),
               s.keys, s.values, EXISTS (SELECT 1 FROM orders WHERE idempotency_key = $1)
        FROM \(source),
             (SELECT coalesce(array_agg(key), '{}') AS keys, coalesce(array_agg(coalesce(value #>> '{}', '')), '{}') AS values
              FROM settings) AS s
        """
    }
}

/// A lock statement: `$1` is the sale's idempotency key, `$2` names the guest.
protocol LockGuestStatement: PostgresPreparedStatement where Row == LockedGuest {
    associatedtype Guest: PostgresNonThrowingEncodable
    var idempotencyKey: String { get }
    var guest: Guest { get }
}

extension LockGuestStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(idempotencyKey)
        bindings.append(guest)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> LockedGuest { try LockedGuest(row) }
}

/// Locks the guest who holds payment code `$2`.
struct LockGuestByCode: LockGuestStatement {
    static let sql = LockedGuest.select(codeExpiry: "p.expires_at", from: "payment_codes p JOIN customers c ON c.id = p.customer_id") + """

        WHERE p.code = $2
        FOR UPDATE OF c
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text]

    var idempotencyKey: String
    var guest: String
}

/// Locks guest `$2` by customer id.
struct LockGuestByID: LockGuestStatement {
    static let sql = LockedGuest.select(codeExpiry: "NULL::timestamptz", from: "customers c") + """

        WHERE c.id = $2
        FOR UPDATE OF c
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .int8]

    var idempotencyKey: String
    var guest: Int64
}

/// Locks the guest with Telegram id `$2` (the partner API names guests so).
struct LockGuestByTelegramID: LockGuestStatement {
    static let sql = LockedGuest.select(codeExpiry: "NULL::timestamptz", from: "customers c") + """

        WHERE c.telegram_id = $2
        FOR UPDATE OF c
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .int8]

    var idempotencyKey: String
    var guest: Int64
}

/// One statement of data-modifying CTEs that consumes the code (when there is one) and writes
/// the order, its ledger rows, the new balance, spend and tier, tier history, gift redemptions,
/// the audit row and the guest's receipt. Returns the order id, or no row when the code was
/// already consumed.
struct WriteSale: PostgresPreparedStatement {
    static let sql = """
        WITH consumed AS (
            DELETE FROM payment_codes WHERE customer_id = $1 AND code = $2 RETURNING code
        ), guest AS (
            -- A sale by code goes ahead only if this statement consumed the code.
            SELECT consumed.code FROM (SELECT 1) AS one LEFT JOIN consumed ON true
            WHERE $2::text IS NULL OR consumed.code IS NOT NULL
        ), new_order AS (
            INSERT INTO orders (
                customer_id, location_id, actor_kind, actor_id, staff_id, idempotency_key, request_fingerprint,
                payment_code, amount_kopecks, max_redeemable, points_redeemed, amount_paid_kopecks, points_earned, debt_repaid,
                tier_before, tier_after, earn_rate_percent, redeem_cap_percent, balance_after, debt_after, created_at)
            SELECT $1, $3, $4, $5, $6, $7, $8, guest.code, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21
            FROM guest
            RETURNING id
        ), ledger AS (
            INSERT INTO points_ledger (customer_id, kind, points, debt, order_id, actor_kind, actor_id, created_at)
            SELECT $1, entry.kind, entry.points, entry.debt, new_order.id, $4, $5, $21
            FROM new_order, (VALUES
                ('redeem', -$11::integer, 0),
                ('debt_repayment', 0, -$14::integer),
                ('earn', $22::integer, 0)
            ) AS entry (kind, points, debt)
            WHERE entry.points <> 0 OR entry.debt <> 0
        ), account AS (
            UPDATE customers
            SET points_balance = $19, points_debt = $20, qualification_spend_kopecks = qualification_spend_kopecks + $9,
                tier = $16, updated_at = $21
            WHERE id = $1 AND EXISTS (SELECT 1 FROM new_order)
        ), tier_change AS (
            INSERT INTO tier_history (customer_id, from_tier, to_tier, cause, order_id, changed_at)
            SELECT $1, $15, $16, 'sale', new_order.id, $21
            FROM new_order WHERE $15 <> $16
        ), gifts AS (
            INSERT INTO gift_redemptions (gift_id, order_id, actor_kind, actor_id, redeemed_at)
            SELECT gift_id, new_order.id, $4, $5, $21
            FROM new_order, unnest($25::bigint[]) AS gift_id
        ), audit AS (
            INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
            SELECT $21, $4, $5, 'sale.confirmed', 'order', new_order.id::text,
                   jsonb_build_object('customer_id', $1, 'amount_kopecks', $9, 'points_redeemed', $11, 'points_earned', $13,
                                      'gift_ids', $25::bigint[])
            FROM new_order
        ), receipt AS (
            -- The receipt is encoded by the application; only the new order's id is its own.
            INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
            SELECT 'client', $23, $1, 'transactional', $24::jsonb || jsonb_build_object('order_id', new_order.id), $26, $21, $21
            FROM new_order WHERE $23::bigint IS NOT NULL
        )
        SELECT id FROM new_order
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .int8, .text, .int8, .text, .text, .int8, .text, .text, .int8, .int8, .int8, .int8, .int8, .int8,
        .text, .text, .int8, .int8, .int8, .int8, .timestamptz, .int8, .int8, .text, .int8Array, .text,
    ]

    var customerID: Int64
    var code: String?
    var locationID: Int64
    var actor: Actor
    var request: SaleRequest
    var quote: SaleQuote
    var balanceAfter: Int
    var debtAfter: Int
    var now: Date
    var telegramID: Int64?
    var language: String

    var receipt: Notice {
        .saleReceipt(.init(
            orderID: 0, amount: quote.amount, paid: quote.amountToPay, pointsRedeemed: quote.pointsRedeemed,
            pointsCredited: quote.pointsCredited, debtRepaid: quote.debtRepaid, balance: balanceAfter, debt: debtAfter,
            tierBefore: quote.tierBefore, tierAfter: quote.tierAfter, giftCount: request.giftIDs.count
        ))
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 26)
        bindings.append(customerID)
        bindings.append(code)
        bindings.append(locationID)
        bindings.append(actor.kind.rawValue)
        bindings.append(actor.id)
        bindings.append(actor.staffID)
        bindings.append(request.idempotencyKey)
        bindings.append(request.fingerprint)
        bindings.append(quote.amount.kopecks)
        bindings.append(quote.maxRedeemable)
        bindings.append(quote.pointsRedeemed)
        bindings.append(quote.amountToPay.kopecks)
        bindings.append(quote.pointsEarned)
        bindings.append(quote.debtRepaid)
        bindings.append(quote.tierBefore.rawValue)
        bindings.append(quote.tierAfter.rawValue)
        bindings.append(quote.earnRatePercent)
        bindings.append(quote.redeemCapPercent)
        bindings.append(balanceAfter)
        bindings.append(debtAfter)
        bindings.append(now)
        bindings.append(quote.pointsCredited)
        bindings.append(telegramID)
        bindings.append(String(decoding: try receipt.encoded(), as: UTF8.self))
        bindings.append(request.giftIDs)
        bindings.append(language)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}
