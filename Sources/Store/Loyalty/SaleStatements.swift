import Domain
import Foundation
import PostgresNIO

// The sale's hot statements, prepared once per connection: PostgreSQL then parses and plans
// them once instead of on every sale, which halves the work it does per confirmation
// (bench/README.md, "Sale confirmation").

/// The guest's account as a sale reads it, together with the settings and whether the sale's
/// idempotency key already made an order, so the sale takes one round trip before its write.
/// Read under a lock on the guest inside a transaction, or as it stands for the sale whose
/// write is guarded by what was read (`WriteSale`).
struct SaleGuest: Sendable {
    var customerID: Int64
    var telegramID: Int64?
    var language: String
    /// The tier as stored, which the guarded write compares.
    var storedTier: String
    var balance: Int
    var debt: Int
    var qualificationSpend: Int64
    var blocked: Bool
    /// The payment code's expiry and hold, when the guest was named by one.
    var code: CodeValidity?
    var settings: LoyaltySettings
    /// The campaigns running now (their windows are checked against the sale's moment).
    var campaigns: [Campaign]
    /// The active "every Nth visit" campaigns, newest first.
    var visitCards: [RunningVisitCard]
    /// The guest's referral, while it waits for their first qualifying sale.
    var referral: PendingReferral?
    var saleExists: Bool

    var account: LoyaltyAccount {
        LoyaltyAccount(balance: balance, debt: debt, tier: Tier(stored: storedTier), qualificationSpend: Money(kopecks: qualificationSpend))
    }

    init(_ row: PostgresRow) throws {
        let column = Columns(row)
        customerID = try column("customer_id")
        telegramID = try column("telegram_id")
        language = try column("language")
        storedTier = try column("tier")
        balance = try column("points_balance")
        debt = try column("points_debt")
        qualificationSpend = try column("qualification_spend_kopecks")
        blocked = try column("blocked")
        let codeExpiresAt: Date? = try column("code_expires_at")
        code = try codeExpiresAt.map {
            CodeValidity(expiresAt: $0, heldBy: try column("code_held_by"), heldUntil: try column("code_held_until"))
        }
        let keys: [String] = try column("setting_keys")
        let values: [String] = try column("setting_values")
        settings = LoyaltySettings(values: Dictionary(zip(keys, values), uniquingKeysWith: { first, _ in first }))
        campaigns = try JSONDecoder().decode([Campaign].self, from: Data(try column("campaigns", as: String.self).utf8))
        visitCards = try JSONDecoder().decode([RunningVisitCard].self, from: Data(try column("visit_cards", as: String.self).utf8))
        let referral: String? = try column("referral")
        self.referral = try referral.map { try JSONDecoder().decode(PendingReferral.self, from: Data($0.utf8)) }
        saleExists = try column("sale_exists")
    }

    /// The statement every variant runs, with its own source of the guest `c` (and of the code
    /// `p`, when there is one); `$1` is the sale's idempotency key.
    static func select(from source: String, hasCode: Bool) -> String {
        let code =
            hasCode
            ? "p.expires_at AS code_expires_at, p.held_by_staff_id AS code_held_by, p.held_until AS code_held_until"
            : "NULL::timestamptz AS code_expires_at, NULL::bigint AS code_held_by, NULL::timestamptz AS code_held_until"
        return
            """
            SELECT c.id AS customer_id, c.telegram_id, c.language, c.tier, c.points_balance, c.points_debt,
                   c.qualification_spend_kopecks, c.blocked_at IS NOT NULL OR c.anonymised_at IS NOT NULL AS blocked,
                   \(code), s.keys AS setting_keys, s.values AS setting_values,
                   (\(CampaignStore.runningSelect)) AS campaigns, (\(LoyaltyStore.runningVisitCardSelect)) AS visit_cards,
                   (\(LoyaltyStore.pendingReferralSelect)) AS referral,
                   EXISTS (SELECT 1 FROM orders WHERE idempotency_key = $1) AS sale_exists
            FROM \(source),
                 (SELECT coalesce(array_agg(key), '{}') AS keys, coalesce(array_agg(coalesce(value #>> '{}', '')), '{}') AS values
                  FROM settings) AS s
            """
    }

    static let byCode = select(from: "payment_codes p JOIN customers c ON c.id = p.customer_id", hasCode: true) + "\nWHERE p.code = $2"
    static let byID = select(from: "customers c", hasCode: false) + "\nWHERE c.id = $2"
    static let byTelegramID = select(from: "customers c", hasCode: false) + "\nWHERE c.telegram_id = $2"
}

/// How a sale reads its guest: locked for the rest of the transaction, or as the row stands.
/// Each statement's text is built once: PostgresNIO asks for it on every execution.
protocol GuestRowLock: Sendable {
    static var byCode: String { get }
    static var byID: String { get }
    static var byTelegramID: String { get }
}

/// `FOR UPDATE` on the guest's row: the sale inside a transaction.
enum LockedRow: GuestRowLock {
    static let byCode = SaleGuest.byCode + "\nFOR UPDATE OF c"
    static let byID = SaleGuest.byID + "\nFOR UPDATE OF c"
    static let byTelegramID = SaleGuest.byTelegramID + "\nFOR UPDATE OF c"
}

/// No lock: the sale whose one write is guarded by the account it read.
enum UnlockedRow: GuestRowLock {
    static let byCode = SaleGuest.byCode
    static let byID = SaleGuest.byID
    static let byTelegramID = SaleGuest.byTelegramID
}

/// A guest statement: `$1` is the sale's idempotency key, `$2` names the guest.
protocol SaleGuestStatement: PostgresPreparedStatement where Row == SaleGuest {
    associatedtype Guest: PostgresNonThrowingEncodable
    var idempotencyKey: String { get }
    var guest: Guest { get }
}

extension SaleGuestStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(idempotencyKey)
        bindings.append(guest)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> SaleGuest { try SaleGuest(row) }
}

/// The guest who holds payment code `$2`.
struct GuestByCode<Lock: GuestRowLock>: SaleGuestStatement {
    static var sql: String { Lock.byCode }
    static var bindingDataTypes: [PostgresDataType] { [.text, .text] }

    var idempotencyKey: String
    var guest: String
}

/// Guest `$2` by customer id.
struct GuestByID<Lock: GuestRowLock>: SaleGuestStatement {
    static var sql: String { Lock.byID }
    static var bindingDataTypes: [PostgresDataType] { [.text, .int8] }

    var idempotencyKey: String
    var guest: Int64
}

/// The guest with Telegram id `$2` (the partner API names guests so).
struct GuestByTelegramID<Lock: GuestRowLock>: SaleGuestStatement {
    static var sql: String { Lock.byTelegramID }
    static var bindingDataTypes: [PostgresDataType] { [.text, .int8] }

    var idempotencyKey: String
    var guest: Int64
}

/// One statement of data-modifying CTEs that consumes the code (when there is one) and writes
/// the order, its ledger rows, the new balance, spend and tier, tier history, gift redemptions,
/// the audit row and the guest's receipt. Every value is bound by its name (`parameters`).
///
/// The write is guarded by what the sale read: it goes ahead only while the code is still usable
/// by this actor and the guest's account (balance, debt, spend, tier, not blocked) is what the
/// quote was computed from. Under a lock on the guest the guard always holds; without one it
/// returns a nil order id when it did not (nothing written), or fails with a serialization failure
/// when the code was consumed but the account had changed (nothing written either). Either way the
/// sale reads again.
struct WriteSale: PostgresPreparedStatement {
    static let parameters = StatementParameters<WriteSale>([
        .init("customer_id", .int8) { $0.guest.customerID },
        .init("code", .text) { $0.code },
        .init("location_id", .int8) { $0.locationID },
        .init("actor_kind", .text) { $0.actor.kind.rawValue },
        .init("actor_id", .text) { $0.actor.id },
        .init("staff_id", .int8) { $0.actor.staffID },
        .init("idempotency_key", .text) { $0.request.idempotencyKey },
        .init("request_fingerprint", .text) { $0.request.fingerprint },
        .init("amount", .int8) { $0.quote.amount.kopecks },
        .init("max_redeemable", .int8) { $0.quote.maxRedeemable },
        .init("points_redeemed", .int8) { $0.quote.pointsRedeemed },
        .init("amount_paid", .int8) { $0.quote.amountToPay.kopecks },
        .init("points_earned", .int8) { $0.quote.pointsEarned },
        .init("points_credited", .int8) { $0.quote.pointsCredited },
        .init("debt_repaid", .int8) { $0.quote.debtRepaid },
        .init("tier_before", .text) { $0.quote.tierBefore.rawValue },
        .init("tier_after", .text) { $0.quote.tierAfter.rawValue },
        .init("earn_rate_percent", .int8) { $0.quote.earnRatePercent },
        .init("redeem_cap_percent", .int8) { $0.quote.redeemCapPercent },
        .init("balance_after", .int8) { $0.balanceAfter },
        .init("debt_after", .int8) { $0.debtAfter },
        .init("now", .timestamptz) { $0.now },
        .init("telegram_id", .int8) { $0.guest.telegramID },
        .init("language", .text) { $0.guest.language },
        .init("read_balance", .int8) { $0.guest.balance },
        .init("read_debt", .int8) { $0.guest.debt },
        .init("read_spend", .int8) { $0.guest.qualificationSpend },
        .init("read_tier", .text) { $0.guest.storedTier },
        .init("receipt", .text) { $0.receipt },
        .init("gift_ids", .int8Array) { $0.request.giftIDs },
        .init("draw_lot_ids", .int8Array) { $0.draws.map(\.lotID) },
        .init("draw_points", .int8Array) { $0.draws.map { Int64($0.points) } },
        .init("lot_expires_on", .text) { $0.lotExpiresOn?.description },
        .init("campaign_ids", .int8Array) { $0.quote.campaignEffects.map(\.campaignID) },
        .init("campaign_versions", .int8Array) { $0.quote.campaignEffects.map { Int64($0.version) } },
        .init("campaign_points", .int8Array) { $0.quote.campaignEffects.map { Int64($0.points) } },
    ])

    static let sql = parameters.sql(
        """
        WITH consumed AS (
            -- The code as CodeValidity.refusal allows it: a live hold is its holder's alone.
            DELETE FROM payment_codes
            WHERE customer_id = :customer_id AND code = :code
              AND CASE WHEN held_by_staff_id IS NOT NULL AND held_until > :now THEN held_by_staff_id = :staff_id
                       ELSE expires_at > :now END
            RETURNING code
        ), account AS (
            -- A sale by code goes ahead only if this statement consumed the code, and any sale only
            -- while the account is the one its quote was computed from.
            UPDATE customers
            SET points_balance = :balance_after, points_debt = :debt_after,
                qualification_spend_kopecks = qualification_spend_kopecks + :amount, tier = :tier_after, updated_at = :now
            WHERE id = :customer_id AND points_balance = :read_balance AND points_debt = :read_debt
              AND qualification_spend_kopecks = :read_spend AND tier = :read_tier
              AND blocked_at IS NULL AND anonymised_at IS NULL
              AND (:code::text IS NULL OR EXISTS (SELECT 1 FROM consumed))
            RETURNING id
        ), guest AS (
            SELECT (SELECT code FROM consumed) AS code FROM account
        ), new_order AS (
            INSERT INTO orders (
                customer_id, location_id, actor_kind, actor_id, staff_id, idempotency_key, request_fingerprint,
                payment_code, amount_kopecks, max_redeemable, points_redeemed, amount_paid_kopecks, points_earned, debt_repaid,
                tier_before, tier_after, earn_rate_percent, redeem_cap_percent, balance_after, debt_after, created_at)
            SELECT :customer_id, :location_id, :actor_kind, :actor_id, :staff_id, :idempotency_key, :request_fingerprint,
                   guest.code, :amount, :max_redeemable, :points_redeemed, :amount_paid, :points_earned, :debt_repaid,
                   :tier_before, :tier_after, :earn_rate_percent, :redeem_cap_percent, :balance_after, :debt_after, :now
            FROM guest
            RETURNING id
        ), new_lot AS (
            -- The credited points are a lot of their own, spent after every older one.
            INSERT INTO point_lots (customer_id, remaining, earned_at, expires_on)
            SELECT :customer_id, :points_credited, :now, :lot_expires_on::date
            FROM new_order WHERE :points_credited::integer > 0
            RETURNING id
        ), drawn AS (
            UPDATE point_lots SET remaining = remaining + draw.points
            FROM new_order, unnest(:draw_lot_ids::bigint[], :draw_points::bigint[]) AS draw (lot_id, points)
            WHERE point_lots.id = draw.lot_id
        ), ledger AS (
            INSERT INTO points_ledger (customer_id, kind, points, debt, order_id, lot_id, actor_kind, actor_id, created_at)
            SELECT :customer_id, entry.kind, entry.points, entry.debt, new_order.id, entry.lot_id, :actor_kind, :actor_id, :now
            FROM new_order, (
                SELECT 1 AS step, draw.position, 'redeem' AS kind, draw.points::integer AS points, 0 AS debt, draw.lot_id
                FROM unnest(:draw_lot_ids::bigint[], :draw_points::bigint[]) WITH ORDINALITY AS draw (lot_id, points, position)
                UNION ALL
                SELECT 2, 0, 'debt_repayment', 0, -:debt_repaid::integer, NULL::bigint WHERE :debt_repaid::integer <> 0
                UNION ALL
                SELECT 3, 0, 'earn', :points_credited::integer, 0, new_lot.id FROM new_lot
            ) AS entry
            ORDER BY entry.step, entry.position
        ), tier_change AS (
            INSERT INTO tier_history (customer_id, from_tier, to_tier, cause, order_id, changed_at)
            SELECT :customer_id, :tier_before, :tier_after, 'sale', new_order.id, :now
            FROM new_order WHERE :tier_before <> :tier_after
        ), campaign_effects AS (
            INSERT INTO order_campaign_effects (order_id, campaign_id, version, points)
            SELECT new_order.id, effect.campaign_id, effect.version, effect.points
            FROM new_order,
                 unnest(:campaign_ids::bigint[], :campaign_versions::bigint[], :campaign_points::bigint[])
                     AS effect (campaign_id, version, points)
        ), gifts AS (
            INSERT INTO gift_redemptions (gift_id, order_id, actor_kind, actor_id, redeemed_at)
            SELECT gift_id, new_order.id, :actor_kind, :actor_id, :now
            FROM new_order, unnest(:gift_ids::bigint[]) AS gift_id
        ), audit AS (
            INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
            SELECT :now, :actor_kind, :actor_id, 'sale.confirmed', 'order', new_order.id::text,
                   jsonb_build_object('customer_id', :customer_id, 'amount_kopecks', :amount, 'points_redeemed', :points_redeemed,
                                      'points_earned', :points_earned, 'gift_ids', :gift_ids::bigint[])
            FROM new_order
        ), receipt AS (
            -- The receipt is encoded by the application; only the new order's id is its own.
            INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
            SELECT 'client', :telegram_id, :customer_id, 'transactional', :receipt::jsonb || jsonb_build_object('order_id', new_order.id),
                   :language, :now, :now
            FROM new_order WHERE :telegram_id::bigint IS NOT NULL
        )
        SELECT new_order.id, crema_sale_guard(EXISTS (SELECT 1 FROM account) OR NOT EXISTS (SELECT 1 FROM consumed))
        FROM (SELECT 1) AS one LEFT JOIN new_order ON true
        """
    )
    static var bindingDataTypes: [PostgresDataType] { parameters.dataTypes }

    /// The guest as the sale read them: the write is guarded by their account.
    var guest: SaleGuest
    var code: String?
    var locationID: Int64
    var actor: Actor
    var request: SaleRequest
    var quote: SaleQuote
    var balanceAfter: Int
    var debtAfter: Int
    var now: Date
    /// The lots the redeemed points come from, oldest first (negative movements).
    var draws: [LotMovement]
    /// When the credited points expire.
    var lotExpiresOn: CalendarDate?
    /// The guest's receipt, encoded once; the statement adds the new order's id.
    var receipt: String

    init(
        guest: SaleGuest, code: String?, locationID: Int64, actor: Actor, request: SaleRequest, quote: SaleQuote,
        balanceAfter: Int, debtAfter: Int, now: Date, draws: [LotMovement], lotExpiresOn: CalendarDate?,
        visit: (campaign: String, progress: VisitProgress)? = nil
    ) throws {
        self.guest = guest
        self.code = code
        self.locationID = locationID
        self.actor = actor
        self.request = request
        self.quote = quote
        self.balanceAfter = balanceAfter
        self.debtAfter = debtAfter
        self.now = now
        self.draws = draws
        self.lotExpiresOn = lotExpiresOn
        let notice = Notice.saleReceipt(
            .init(
                orderID: 0, amount: quote.amount, paid: quote.amountToPay, pointsRedeemed: quote.pointsRedeemed,
                pointsCredited: quote.pointsCredited, debtRepaid: quote.debtRepaid, balance: balanceAfter, debt: debtAfter,
                tierBefore: quote.tierBefore, tierAfter: quote.tierAfter, giftCount: request.giftIDs.count,
                campaigns: quote.campaignEffects.isEmpty ? nil : quote.campaignEffects,
                visits: visit.map { Notice.VisitStamp(campaign: $0.campaign, progress: $0.progress) }
            ))
        receipt = String(decoding: try notice.encoded(), as: UTF8.self)
    }

    func makeBindings() throws -> PostgresBindings {
        try Self.parameters.bindings(for: self)
    }

    /// The new order's id, or nil when the guard did not hold and nothing was written.
    func decodeRow(_ row: PostgresRow) throws -> Int64? { try row.decode((Int64?, Bool).self).0 }
}
