import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Confirms a sale in one transaction: re-validates the code and the quote under a lock on the
    /// guest, consumes the code, and writes the order, its ledger rows, gift redemptions, the new
    /// balance, spend and tier, tier history, the audit row and the guest's receipt (outbox).
    ///
    /// The same idempotency key returns the first result, even when the two calls race; the same
    /// key with a different sale is `idempotencyKeyReused`.
    public func confirmSale(_ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date) async throws -> ConfirmedSale {
        if let earlier = try await existingSale(request) { return earlier }
        do {
            return try await database.withTransaction(logger: logger) { connection in
                try await confirm(request, by: actor, locationID: locationID, at: now, on: connection)
            }
        } catch let error as PSQLError where error.violates("orders_idempotency_key_key") {
            // A concurrent call with this key committed first: answer with its result.
            if let earlier = try await existingSale(request) { return earlier }
            throw error
        } catch LoyaltyError.codeNotFound {
            // The code may have been consumed by a concurrent retry of this very sale.
            if let earlier = try await existingSale(request) { return earlier }
            throw LoyaltyError.codeNotFound
        }
    }

    /// Confirms a sale inside the caller's transaction (the staff bot records its update in the
    /// same one). A concurrent confirmation under the same key makes this transaction fail on the
    /// key's unique index; retrying it then finds and returns the first order.
    public func confirmSale(
        _ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date, on connection: PostgresConnection
    ) async throws -> ConfirmedSale {
        if let earlier = try await existingSale(request, on: connection) { return earlier }
        do {
            return try await confirm(request, by: actor, locationID: locationID, at: now, on: connection)
        } catch LoyaltyError.codeNotFound {
            if let earlier = try await existingSale(request, on: connection) { return earlier }
            throw LoyaltyError.codeNotFound
        }
    }

    private func confirm(
        _ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date, on connection: PostgresConnection
    ) async throws -> ConfirmedSale {
        let settings = try await LoyaltySettings.load(on: connection, logger: logger)
        let code: String?
        let customerByID: Int64?
        switch request.guest {
        case .code(let paymentCode): (code, customerByID) = (paymentCode.digits, nil)
        case .customer(let id): (code, customerByID) = (nil, id)
        }
        let lockQuery: PostgresQuery = code != nil
            ? """
              SELECT c.id, c.telegram_id, c.language, c.tier, c.points_balance, c.points_debt,
                     c.qualification_spend_kopecks, c.blocked_at IS NOT NULL OR c.anonymised_at IS NOT NULL, p.expires_at
              FROM payment_codes p JOIN customers c ON c.id = p.customer_id
              WHERE p.code = \(code)
              FOR UPDATE OF c
              """
            : """
              SELECT c.id, c.telegram_id, c.language, c.tier, c.points_balance, c.points_debt,
                     c.qualification_spend_kopecks, c.blocked_at IS NOT NULL OR c.anonymised_at IS NOT NULL, NULL::timestamptz
              FROM customers c
              WHERE c.id = \(customerByID)
              FOR UPDATE OF c
              """
        let locked = try await connection.query(lockQuery, logger: logger).collect().first?
            .decode((Int64, Int64?, String, String, Int, Int, Int64, Bool, Date?).self)
        guard let (customerID, telegramID, language, storedTier, balance, debt, spend, blocked, expiresAt) = locked else {
            throw code == nil ? LoyaltyError.customerNotFound : LoyaltyError.codeNotFound
        }
        if code != nil {
            guard let expiresAt, expiresAt > now else { throw LoyaltyError.codeExpired }
        }
        guard !blocked else { throw LoyaltyError.customerBlocked }

        let account = LoyaltyAccount(balance: balance, debt: debt, tier: Tier(stored: storedTier), qualificationSpend: Money(kopecks: spend))
        let quote = try SaleQuote.compute(amount: request.amount, redeem: request.redeem, account: account, rules: settings.rules)
        try await lockUsableGifts(request.giftIDs, customerID: customerID, at: now, on: connection)

        let balanceAfter = balance + quote.balanceChange
        let debtAfter = debt - quote.debtRepaid
        let orderID = try await connection.query(
            """
            WITH consumed AS (
                DELETE FROM payment_codes WHERE customer_id = \(customerID) AND code = \(code) RETURNING code
            ), guest AS (
                -- A sale by code goes ahead only if this statement consumed the code.
                SELECT consumed.code FROM (SELECT 1) AS one LEFT JOIN consumed ON true
                WHERE \(code)::text IS NULL OR consumed.code IS NOT NULL
            ), new_order AS (
                INSERT INTO orders (
                    customer_id, location_id, actor_kind, actor_id, staff_id, idempotency_key, request_fingerprint,
                    payment_code, amount_kopecks, max_redeemable, points_redeemed, amount_paid_kopecks, points_earned, debt_repaid,
                    tier_before, tier_after, earn_rate_percent, redeem_cap_percent, balance_after, debt_after, created_at)
                SELECT \(customerID), \(locationID), \(actor.kind.rawValue), \(actor.id), \(actor.staffID), \(request.idempotencyKey),
                       \(request.fingerprint), guest.code, \(quote.amount.kopecks), \(quote.maxRedeemable), \(quote.pointsRedeemed),
                       \(quote.amountToPay.kopecks), \(quote.pointsEarned), \(quote.debtRepaid), \(quote.tierBefore.rawValue),
                       \(quote.tierAfter.rawValue), \(quote.earnRatePercent), \(quote.redeemCapPercent), \(balanceAfter),
                       \(debtAfter), \(now)
                FROM guest
                RETURNING id
            ), ledger AS (
                INSERT INTO points_ledger (customer_id, kind, points, debt, order_id, actor_kind, actor_id, created_at)
                SELECT \(customerID), entry.kind, entry.points, entry.debt, new_order.id, \(actor.kind.rawValue), \(actor.id), \(now)
                FROM new_order, (VALUES
                    ('redeem', -\(quote.pointsRedeemed)::integer, 0),
                    ('debt_repayment', 0, -\(quote.debtRepaid)::integer),
                    ('earn', \(quote.pointsCredited)::integer, 0)
                ) AS entry (kind, points, debt)
                WHERE entry.points <> 0 OR entry.debt <> 0
            ), account AS (
                UPDATE customers
                SET points_balance = \(balanceAfter), points_debt = \(debtAfter),
                    qualification_spend_kopecks = qualification_spend_kopecks + \(quote.amount.kopecks),
                    tier = \(quote.tierAfter.rawValue), updated_at = \(now)
                WHERE id = \(customerID) AND EXISTS (SELECT 1 FROM new_order)
            ), tier_change AS (
                INSERT INTO tier_history (customer_id, from_tier, to_tier, cause, order_id, changed_at)
                SELECT \(customerID), \(quote.tierBefore.rawValue), \(quote.tierAfter.rawValue), 'sale', new_order.id, \(now)
                FROM new_order WHERE \(quote.tierBefore.rawValue) <> \(quote.tierAfter.rawValue)
            ), gifts AS (
                INSERT INTO gift_redemptions (gift_id, order_id, actor_kind, actor_id, redeemed_at)
                SELECT gift_id, new_order.id, \(actor.kind.rawValue), \(actor.id), \(now)
                FROM new_order, unnest(\(request.giftIDs)::bigint[]) AS gift_id
            ), audit AS (
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'sale.confirmed', 'order', new_order.id::text,
                       jsonb_build_object('customer_id', \(customerID), 'amount_kopecks', \(quote.amount.kopecks),
                                          'points_redeemed', \(quote.pointsRedeemed), 'points_earned', \(quote.pointsEarned),
                                          'gift_ids', \(request.giftIDs)::bigint[])
                FROM new_order
            ), receipt AS (
                INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, next_attempt_at, created_at)
                SELECT 'client', \(telegramID), \(customerID), 'transactional',
                       jsonb_build_object('template', 'sale_receipt', 'language', \(language), 'order_id', new_order.id,
                                          'amount_kopecks', \(quote.amount.kopecks), 'paid_kopecks', \(quote.amountToPay.kopecks),
                                          'points_redeemed', \(quote.pointsRedeemed), 'points_credited', \(quote.pointsCredited),
                                          'debt_repaid', \(quote.debtRepaid), 'balance', \(balanceAfter), 'debt', \(debtAfter),
                                          'tier_before', \(quote.tierBefore.rawValue), 'tier_after', \(quote.tierAfter.rawValue),
                                          'gift_count', \(request.giftIDs.count)),
                       \(now), \(now)
                FROM new_order WHERE \(telegramID)::bigint IS NOT NULL
            )
            SELECT id FROM new_order
            """,
            logger: logger
        ).collect().first?.decode(Int64.self)
        guard let orderID else { throw LoyaltyError.codeNotFound }

        return ConfirmedSale(
            orderID: orderID, customerID: customerID, quote: quote,
            balanceAfter: balanceAfter, debtAfter: debtAfter, createdAt: now.roundedToMicroseconds
        )
    }

    /// Gifts used at a sale must be the guest's, unexpired and unredeemed; locking them makes a
    /// concurrent second use wait and then fail on the redemption's primary key.
    func lockUsableGifts(_ giftIDs: [Int64], customerID: Int64, at now: Date, on connection: PostgresConnection) async throws {
        guard !giftIDs.isEmpty else { return }
        let rows = try await connection.query(
            """
            SELECT g.id, g.expires_at, r.gift_id IS NOT NULL
            FROM customer_gifts g LEFT JOIN gift_redemptions r ON r.gift_id = g.id
            WHERE g.id = ANY(\(giftIDs)::bigint[]) AND g.customer_id = \(customerID)
            FOR UPDATE OF g
            """,
            logger: logger
        )
        var found = 0
        for try await (_, expiresAt, redeemed) in rows.decode((Int64, Date, Bool).self) {
            found += 1
            guard !redeemed else { throw LoyaltyError.giftAlreadyRedeemed }
            guard expiresAt > now else { throw LoyaltyError.giftExpired }
        }
        guard found == Set(giftIDs).count else { throw LoyaltyError.giftNotFound }
    }

    /// The order an idempotency key already produced, if any.
    func existingSale(_ request: SaleRequest) async throws -> ConfirmedSale? {
        try await database.withConnection(logger: logger) { connection in
            try await existingSale(request, on: connection)
        }
    }

    func existingSale(_ request: SaleRequest, on connection: PostgresConnection) async throws -> ConfirmedSale? {
        let rows = try await connection.query(
            """
            SELECT id, customer_id, request_fingerprint, amount_kopecks, max_redeemable, points_redeemed, amount_paid_kopecks,
                   points_earned, debt_repaid, tier_before, tier_after, earn_rate_percent, redeem_cap_percent,
                   balance_after, debt_after, created_at
            FROM orders WHERE idempotency_key = \(request.idempotencyKey)
            """,
            logger: logger
        )
        for try await row in rows.decode((Int64, Int64, String, Int64, Int, Int, Int64, Int, Int, String, String, Int, Int, Int, Int, Date).self) {
            guard row.2 == request.fingerprint else { throw LoyaltyError.idempotencyKeyReused }
            let quote = SaleQuote(
                amount: Money(kopecks: row.3), maxRedeemable: row.4, pointsRedeemed: row.5, amountToPay: Money(kopecks: row.6),
                pointsEarned: row.7, debtRepaid: row.8, tierBefore: Tier(stored: row.9), tierAfter: Tier(stored: row.10),
                earnRatePercent: row.11, redeemCapPercent: row.12
            )
            return ConfirmedSale(orderID: row.0, customerID: row.1, quote: quote, balanceAfter: row.13, debtAfter: row.14, createdAt: row.15)
        }
        return nil
    }
}
