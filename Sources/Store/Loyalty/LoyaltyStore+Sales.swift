import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Confirms a sale in one transaction: re-validates the code and the quote under a lock on the
    /// guest, consumes the code, and writes the order, its ledger rows, gift redemptions, the new
    /// balance, spend and tier, tier history, the audit row and the guest's receipt (outbox).
    ///
    /// The same idempotency key returns the first result, even when the two calls race; the same
    /// key with a different sale is `idempotencyKeyReused`. How a double tap ends in one order:
    /// 1. the second call waits on the first one's lock on the guest;
    /// 2. it then sees the key used (`LockedGuest.saleExists`) and answers with the first order,
    ///    or, when the code is already consumed, finds that order by its key (`codeNotFound` below);
    /// 3. should both pass the lock anyway, the loser fails on the key's unique index: on the pool
    ///    it reads the winner's order on a fresh connection; inside a caller's transaction that
    ///    transaction is spoiled, so the caller retries it whole (the webhook does) and lands in 2.
    public func confirmSale(_ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date) async throws -> ConfirmedSale {
        do {
            return try await session.withTransaction { connection in
                do {
                    return try await confirm(request, by: actor, locationID: locationID, at: now, on: connection)
                } catch let refusal as LoyaltyError where refusal == .codeNotFound || refusal == .customerNotFound {
                    // The code may have been consumed by an earlier or concurrent call of this very
                    // sale, and a reused key must be told apart from an unknown guest.
                    if let earlier = try await existingSale(request, on: connection) { return earlier }
                    throw refusal
                }
            }
        } catch let error as PSQLError where error.violates("orders_idempotency_key_key") && !session.isInTransaction {
            let earlier = try await session.withConnection { connection in try await existingSale(request, on: connection) }
            if let earlier { return earlier }
            throw error
        }
    }

    /// Two round trips: the lock on the guest (which also reads the settings and whether the key
    /// was used), then the one statement that writes the sale; a sale that spends points reads
    /// the guest's lots in between, after the lock, so it draws from what they hold now.
    private func confirm(
        _ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date, on connection: PostgresConnection
    ) async throws -> ConfirmedSale {
        let locked: LockedGuest?
        var code: String?
        switch request.guest {
        case .code(let paymentCode):
            code = paymentCode.digits
            locked = try await connection.run(
                LockGuestByCode(idempotencyKey: request.idempotencyKey, guest: paymentCode.digits), logger: logger
            ).first { _ in true }
        case .customer(let id):
            locked = try await connection.run(
                LockGuestByID(idempotencyKey: request.idempotencyKey, guest: id), logger: logger
            ).first { _ in true }
        case .telegram(let telegramID):
            locked = try await connection.run(
                LockGuestByTelegramID(idempotencyKey: request.idempotencyKey, guest: telegramID), logger: logger
            ).first { _ in true }
        }
        guard let guest = locked else {
            throw code == nil ? LoyaltyError.customerNotFound : LoyaltyError.codeNotFound
        }
        if guest.saleExists, let earlier = try await existingSale(request, on: connection) { return earlier }
        if code != nil {
            guard let validity = guest.code else { throw LoyaltyError.codeExpired }
            if let refusal = validity.refusal(for: actor.staffID, at: now) { throw refusal }
        }
        guard !guest.blocked else { throw LoyaltyError.customerBlocked }

        let account = LoyaltyAccount(
            balance: guest.balance, debt: guest.debt, tier: Tier(stored: guest.tier),
            qualificationSpend: Money(kopecks: guest.qualificationSpend)
        )
        let moment = SaleMoment(now, in: guest.settings.cafeTimeZone, locationID: locationID)
        let quote = try SaleQuote.compute(
            amount: request.amount, redeem: request.redeem, account: account, rules: guest.settings.rules, campaigns: guest.campaigns,
            at: moment)
        try await lockUsableGifts(request.giftIDs, customerID: guest.customerID, at: now, on: connection)

        let after = account.applying(quote)
        let (balanceAfter, debtAfter) = (after.balance, after.debt)
        var draws: [LotMovement] = []
        if quote.pointsRedeemed > 0 {
            var lots = try await openLots(of: guest.customerID, balance: guest.balance, on: connection)
            draws = try lots.draw(quote.pointsRedeemed)
        }
        let settings = guest.settings
        // Every Nth visit: read under the guest's lock, so concurrent sales stamp one at a time.
        var visit: (running: RunningVisitCard, progress: VisitProgress)?
        if let running = guest.visitCards.first(where: { $0.card.runs(on: moment.day) }) {
            let (counted, last) = try await countedVisits(campaignID: running.id, customerID: guest.customerID, on: connection)
            if running.card.counts(paid: quote.amountToPay, lastVisit: last, now: now) {
                visit = (running, running.card.stamp(after: counted))
            }
        }
        let write = try WriteSale(
            customerID: guest.customerID, code: code, locationID: locationID, actor: actor, request: request, quote: quote,
            balanceAfter: balanceAfter, debtAfter: debtAfter, now: now, telegramID: guest.telegramID, language: guest.language,
            draws: draws, lotExpiresOn: settings.pointsValidity.expiry(ofPointsEarnedAt: now, in: settings.cafeTimeZone),
            visit: visit.map { ($0.running.name, $0.progress) }
        )
        guard let orderID = try await connection.run(write, logger: logger).first(where: { _ in true }) else {
            throw LoyaltyError.codeNotFound
        }
        if let visit {
            try await stampVisit(
                orderID: orderID, running: visit.running, customerID: guest.customerID, progress: visit.progress, at: now, on: connection)
        }
        if let referral = guest.referral, referral.rule.runs(on: moment.day) {
            try await rewardReferral(
                referral, friendID: guest.customerID, orderID: orderID, paid: quote.amountToPay, settings: settings, at: now, on: connection
            )
        }
        return ConfirmedSale(
            orderID: orderID, customerID: guest.customerID, quote: quote,
            balanceAfter: balanceAfter, debtAfter: debtAfter, createdAt: now.roundedToMicroseconds
        )
    }

    /// Gifts used at a sale must be the guest's, unexpired and unredeemed; locking them makes a
    /// concurrent second use wait and then fail on the redemption's primary key.
    func lockUsableGifts(_ giftIDs: [Int64], customerID: Int64, at now: Date, on connection: PostgresConnection) async throws {
        guard !giftIDs.isEmpty else { return }
        let rows = try await connection.run(
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
            try GiftUse.check(redeemed: redeemed, expiresAt: expiresAt, now: now)
        }
        guard found == Set(giftIDs).count else { throw LoyaltyError.giftNotFound }
    }

    /// The order an idempotency key already produced, if any.
    func existingSale(_ request: SaleRequest, on connection: PostgresConnection) async throws -> ConfirmedSale? {
        let row = try await connection.run(
            """
            SELECT \(unescaped: ConfirmedSale.columns), request_fingerprint
            FROM orders o WHERE idempotency_key = \(request.idempotencyKey)
            """,
            logger: logger
        ).collect().first
        guard let row else { return nil }
        guard try Columns(row)("request_fingerprint", as: String.self) == request.fingerprint else {
            throw LoyaltyError.idempotencyKeyReused
        }
        var earlier = try ConfirmedSale(row)
        earlier.isReplay = true
        return earlier
    }
}
