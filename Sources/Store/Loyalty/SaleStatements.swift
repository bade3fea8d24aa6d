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

    init(_ row: PostgresRow) throws {
        let column = Columns(row)
        customerID = try column("customer_id")
        telegramID = try column("telegram_id")
        language = try column("language")
        tier = try column("tier")
        balance = try column("points_balance")
        debt = try column("points_debt")
        qualificationSpend = try column("qualification_spend_kopecks")
        blocked = try column("blocked")
        codeExpiresAt = try column("code_expires_at")
        let keys: [String] = try column("setting_keys")
        let values: [String] = try column("setting_values")
        settings = LoyaltySettings(values: Dictionary(zip(keys, values), uniquingKeysWith: { first, _ in first }))
        saleExists = try column("sale_exists")
    }

    /// The statement every variant runs, with its own source of the guest `c` (and of the code's
    /// expiry); `$1` is the sale's idempotency key.
    static func select(codeExpiry: String, from source: String) -> String {
        """
        SELECT c.id AS customer_id, c.telegram_id, c.language, c.tier, c.points_balance, c.points_debt,
               c.qualification_spend_kopecks, c.blocked_at IS NOT NULL OR c.anonymised_at IS NOT NULL AS blocked,
               \(codeExpiry) AS code_expires_at, s.keys AS setting_keys, s.values AS setting_values,
               EXISTS (SELECT 1 FROM orders WHERE idempotency_key = $1) AS sale_exists
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
    static let sql =
        LockedGuest.select(codeExpiry: "p.expires_at", from: "payment_codes p JOIN customers c ON c.id = p.customer_id") + """

            WHERE p.code = $2
            FOR UPDATE OF c
            """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text]

    var idempotencyKey: String
    var guest: String
}

/// Locks guest `$2` by customer id.
struct LockGuestByID: LockGuestStatement {
    static let sql =
        LockedGuest.select(codeExpiry: "NULL::timestamptz", from: "customers c") + """

            WHERE c.id = $2
            FOR UPDATE OF c
            """
    static let bindingDataTypes: [PostgresDataType] = [.text, .int8]

    var idempotencyKey: String
    var guest: Int64
}

/// Locks the guest with Telegram id `$2` (the partner API names guests so).
struct LockGuestByTelegramID: LockGuestStatement {
    static let sql =
        LockedGuest.select(codeExpiry: "NULL::timestamptz", from: "customers c") + """

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
///
/// The sale travels as one JSON record (`$1`, read by column name with `jsonb_to_record`), the
/// time as `$2` (microseconds kept) and the receipt as `$3`.
struct WriteSale: PostgresPreparedStatement {
    static let sql = """
        WITH sale AS (
            SELECT * FROM jsonb_to_record($1::jsonb) AS s (
                customer_id bigint, code text, location_id bigint, actor_kind text, actor_id text, staff_id bigint,
                idempotency_key text, request_fingerprint text, amount_kopecks bigint, max_redeemable integer,
                points_redeemed integer, amount_paid_kopecks bigint, points_earned integer, debt_repaid integer,
                points_credited integer, tier_before text, tier_after text, earn_rate_percent integer,
                redeem_cap_percent integer, balance_after integer, debt_after integer, telegram_id bigint, language text,
                gift_ids bigint[])
        ), consumed AS (
            DELETE FROM payment_codes p USING sale
            WHERE p.customer_id = sale.customer_id AND p.code = sale.code
            RETURNING p.code
        ), guest AS (
            -- A sale by code goes ahead only if this statement consumed the code.
            SELECT consumed.code FROM sale LEFT JOIN consumed ON true
            WHERE sale.code IS NULL OR consumed.code IS NOT NULL
        ), new_order AS (
            INSERT INTO orders (
                customer_id, location_id, actor_kind, actor_id, staff_id, idempotency_key, request_fingerprint,
                payment_code, amount_kopecks, max_redeemable, points_redeemed, amount_paid_kopecks, points_earned, debt_repaid,
                tier_before, tier_after, earn_rate_percent, redeem_cap_percent, balance_after, debt_after, created_at)
            SELECT s.customer_id, s.location_id, s.actor_kind, s.actor_id, s.staff_id, s.idempotency_key, s.request_fingerprint,
                   guest.code, s.amount_kopecks, s.max_redeemable, s.points_redeemed, s.amount_paid_kopecks, s.points_earned,
                   s.debt_repaid, s.tier_before, s.tier_after, s.earn_rate_percent, s.redeem_cap_percent, s.balance_after,
                   s.debt_after, $2
            FROM sale s, guest
            RETURNING id
        ), ledger AS (
            INSERT INTO points_ledger (customer_id, kind, points, debt, order_id, actor_kind, actor_id, created_at)
            SELECT s.customer_id, entry.kind, entry.points, entry.debt, new_order.id, s.actor_kind, s.actor_id, $2
            FROM sale s, new_order, LATERAL (VALUES
                ('redeem', -s.points_redeemed, 0),
                ('debt_repayment', 0, -s.debt_repaid),
                ('earn', s.points_credited, 0)
            ) AS entry (kind, points, debt)
            WHERE entry.points <> 0 OR entry.debt <> 0
        ), account AS (
            UPDATE customers c
            SET points_balance = s.balance_after, points_debt = s.debt_after,
                qualification_spend_kopecks = c.qualification_spend_kopecks + s.amount_kopecks, tier = s.tier_after, updated_at = $2
            FROM sale s
            WHERE c.id = s.customer_id AND EXISTS (SELECT 1 FROM new_order)
        ), tier_change AS (
            INSERT INTO tier_history (customer_id, from_tier, to_tier, cause, order_id, changed_at)
            SELECT s.customer_id, s.tier_before, s.tier_after, 'sale', new_order.id, $2
            FROM sale s, new_order WHERE s.tier_before <> s.tier_after
        ), gifts AS (
            INSERT INTO gift_redemptions (gift_id, order_id, actor_kind, actor_id, redeemed_at)
            SELECT gift_id, new_order.id, s.actor_kind, s.actor_id, $2
            FROM sale s, new_order, unnest(s.gift_ids) AS gift_id
        ), audit AS (
            INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
            SELECT $2, s.actor_kind, s.actor_id, 'sale.confirmed', 'order', new_order.id::text,
                   jsonb_build_object('customer_id', s.customer_id, 'amount_kopecks', s.amount_kopecks,
                                      'points_redeemed', s.points_redeemed, 'points_earned', s.points_earned, 'gift_ids', s.gift_ids)
            FROM sale s, new_order
        ), receipt AS (
            -- The receipt is encoded by the application; only the new order's id is its own.
            INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
            SELECT 'client', s.telegram_id, s.customer_id, 'transactional', $3::jsonb || jsonb_build_object('order_id', new_order.id),
                   s.language, $2, $2
            FROM sale s, new_order WHERE s.telegram_id IS NOT NULL
        )
        SELECT id FROM new_order
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .timestamptz, .text]

    /// The values `$1` carries, by the names the statement reads them under.
    struct Record: Encodable {
        var customerID: Int64
        var code: String?
        var locationID: Int64
        var actorKind: String
        var actorID: String
        var staffID: Int64?
        var idempotencyKey: String
        var requestFingerprint: String
        var amountKopecks: Int64
        var maxRedeemable: Int
        var pointsRedeemed: Int
        var amountPaidKopecks: Int64
        var pointsEarned: Int
        var debtRepaid: Int
        var pointsCredited: Int
        var tierBefore: String
        var tierAfter: String
        var earnRatePercent: Int
        var redeemCapPercent: Int
        var balanceAfter: Int
        var debtAfter: Int
        var telegramID: Int64?
        var language: String
        var giftIDs: [Int64]

        enum CodingKeys: String, CodingKey {
            case customerID = "customer_id", code, locationID = "location_id", actorKind = "actor_kind", actorID = "actor_id"
            case staffID = "staff_id", idempotencyKey = "idempotency_key", requestFingerprint = "request_fingerprint"
            case amountKopecks = "amount_kopecks", maxRedeemable = "max_redeemable", pointsRedeemed = "points_redeemed"
            case amountPaidKopecks = "amount_paid_kopecks", pointsEarned = "points_earned", debtRepaid = "debt_repaid"
            case pointsCredited = "points_credited", tierBefore = "tier_before", tierAfter = "tier_after"
            case earnRatePercent = "earn_rate_percent", redeemCapPercent = "redeem_cap_percent", balanceAfter = "balance_after"
            case debtAfter = "debt_after", telegramID = "telegram_id", language, giftIDs = "gift_ids"
        }
    }

    var record: Record
    var now: Date
    var receipt: Notice

    init(
        customerID: Int64, code: String?, locationID: Int64, actor: Actor, request: SaleRequest, quote: SaleQuote,
        balanceAfter: Int, debtAfter: Int, now: Date, telegramID: Int64?, language: String
    ) {
        record = Record(
            customerID: customerID, code: code, locationID: locationID, actorKind: actor.kind.rawValue, actorID: actor.id,
            staffID: actor.staffID, idempotencyKey: request.idempotencyKey, requestFingerprint: request.fingerprint,
            amountKopecks: quote.amount.kopecks, maxRedeemable: quote.maxRedeemable, pointsRedeemed: quote.pointsRedeemed,
            amountPaidKopecks: quote.amountToPay.kopecks, pointsEarned: quote.pointsEarned, debtRepaid: quote.debtRepaid,
            pointsCredited: quote.pointsCredited, tierBefore: quote.tierBefore.rawValue, tierAfter: quote.tierAfter.rawValue,
            earnRatePercent: quote.earnRatePercent, redeemCapPercent: quote.redeemCapPercent, balanceAfter: balanceAfter,
            debtAfter: debtAfter, telegramID: telegramID, language: language, giftIDs: request.giftIDs
        )
        self.now = now
        receipt = .saleReceipt(
            .init(
                orderID: 0, amount: quote.amount, paid: quote.amountToPay, pointsRedeemed: quote.pointsRedeemed,
                pointsCredited: quote.pointsCredited, debtRepaid: quote.debtRepaid, balance: balanceAfter, debt: debtAfter,
                tierBefore: quote.tierBefore, tierAfter: quote.tierAfter, giftCount: request.giftIDs.count
            ))
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(String(decoding: try JSONEncoder().encode(record), as: UTF8.self))
        bindings.append(now)
        bindings.append(String(decoding: try receipt.encoded(), as: UTF8.self))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}
