import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Confirms a sale: re-validates the code and the quote, consumes the code, and writes the
    /// order, its ledger rows, gift redemptions, the new balance, spend and tier, tier history, the
    /// audit row and the guest's receipt (outbox), all or nothing.
    ///
    /// On the pool a plain sale is one write guarded by the account it was quoted from
    /// (`confirmGuarded`); a sale that spends points or gifts, stamps a visit card or completes a
    /// referral, and every sale inside a caller's transaction, runs under a lock on the guest.
    ///
    /// The same idempotency key returns the first result, even when the two calls race; the same
    /// key with a different sale is `idempotencyKeyReused`. How a double tap ends in one order:
    /// 1. the second call waits on the first one's lock on the guest (or its guarded write finds
    ///    the account changed and reads again);
    /// 2. it then sees the key used (`SaleGuest.saleExists`) and answers with the first order,
    ///    or, when the code is already consumed, finds that order by its key (`earlierSale`);
    /// 3. should both pass anyway, the loser fails on the key's unique index: on the pool it reads
    ///    the winner's order on a fresh connection; inside a caller's transaction that transaction
    ///    is spoiled, so the caller retries it whole (the webhook does) and lands in 2.
    public func confirmSale(_ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date) async throws -> ConfirmedSale {
        do {
            if !session.isInTransaction, let sale = try await confirmGuarded(request, by: actor, locationID: locationID, at: now) {
                return sale
            }
            return try await session.withTransaction { connection in
                do {
                    return try await confirmLocked(request, by: actor, locationID: locationID, at: now, on: connection)
                } catch let refusal as LoyaltyError where refusal == .codeNotFound || refusal == .customerNotFound {
                    return try await earlierSale(after: refusal, request, on: connection)
                }
            }
        } catch let error as PSQLError where error.violates("orders_idempotency_key_key") && !session.isInTransaction {
            let earlier = try await session.withConnection { connection in try await existingSale(request, on: connection) }
            if let earlier { return earlier }
            throw error
        }
    }

    /// The sale without BEGIN, lock and COMMIT: the guest read as they stand, the quote computed,
    /// and one write guarded by what was read. When another write to the guest came in between,
    /// the guard stops the write and the sale reads again; after three such races it takes the
    /// lock. Nil when the sale needs the lock (`QuotedSale.fitsOneWrite`).
    private func confirmGuarded(_ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date) async throws -> ConfirmedSale? {
        for _ in 1...3 {
            let attempt: GuardedAttempt = try await session.withConnection { connection in
                do {
                    let sale: QuotedSale
                    switch try await readAndQuote(request, UnlockedRow.self, by: actor, locationID: locationID, at: now, on: connection) {
                    case .earlier(let earlier): return .confirmed(earlier)
                    case .quoted(let quoted): sale = quoted
                    }
                    guard sale.fitsOneWrite(giftIDs: request.giftIDs) else { return .needsLock }
                    let write = try sale.write(request, by: actor, locationID: locationID, at: now)
                    guard let orderID = try await connection.run(write, logger: logger).first(where: { _ in true }) ?? nil else {
                        return .raced
                    }
                    return .confirmed(sale.confirmed(orderID: orderID, at: now))
                } catch let refusal as LoyaltyError where refusal == .codeNotFound || refusal == .customerNotFound {
                    return .confirmed(try await earlierSale(after: refusal, request, on: connection))
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40001" {
                    return .raced
                }
            }
            switch attempt {
            case .confirmed(let sale): return sale
            case .needsLock: return nil
            case .raced: continue
            }
        }
        return nil
    }

    /// The sale under a lock on the guest, in the caller's transaction or one of its own: a sale
    /// that spends points reads the guest's lots after the lock, so it draws from what they hold
    /// now, and a visit card counts the guest's visits under it.
    private func confirmLocked(
        _ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date, on connection: PostgresConnection
    ) async throws -> ConfirmedSale {
        let sale: QuotedSale
        switch try await readAndQuote(request, LockedRow.self, by: actor, locationID: locationID, at: now, on: connection) {
        case .earlier(let earlier): return earlier
        case .quoted(let quoted): sale = quoted
        }
        let (guest, quote, moment) = (sale.guest, sale.quote, sale.moment)
        try await lockUsableGifts(request.giftIDs, customerID: guest.customerID, at: now, on: connection)
        var draws: [LotMovement] = []
        if quote.pointsRedeemed > 0 {
            var lots = try await openLots(of: guest.customerID, balance: guest.balance, on: connection)
            draws = try lots.draw(quote.pointsRedeemed)
        }
        // Every Nth visit: read under the guest's lock, so concurrent sales stamp one at a time.
        var visit: (running: RunningVisitCard, progress: VisitProgress)?
        if let running = guest.visitCards.first(where: { $0.card.runs(on: moment.day) }) {
            let (counted, last) = try await countedVisits(campaignID: running.id, customerID: guest.customerID, on: connection)
            if running.card.counts(paid: quote.amountToPay, lastVisit: last, now: now) {
                visit = (running, running.card.stamp(after: counted))
            }
        }
        let write = try sale.write(
            request, by: actor, locationID: locationID, at: now, draws: draws, visit: visit.map { ($0.running.name, $0.progress) })
        guard let orderID = try await connection.run(write, logger: logger).first(where: { _ in true }) ?? nil else {
            throw LoyaltyError.codeNotFound
        }
        if let visit {
            try await stampVisit(
                orderID: orderID, running: visit.running, customerID: guest.customerID, progress: visit.progress, at: now, on: connection)
        }
        if let referral = guest.referral, referral.rule.runs(on: moment.day) {
            try await rewardReferral(
                referral, friendID: guest.customerID, orderID: orderID, paid: quote.amountToPay, settings: guest.settings, at: now,
                on: connection)
        }
        return sale.confirmed(orderID: orderID, at: now)
    }

    /// Reads the guest (with the settings and whether the key was used, in one round trip) and
    /// quotes the sale on what was read, or answers with the order the key already made.
    private func readAndQuote<Lock: GuestRowLock>(
        _ request: SaleRequest, _ lock: Lock.Type, by actor: Actor, locationID: Int64, at now: Date, on connection: PostgresConnection
    ) async throws -> SaleReading {
        let key = request.idempotencyKey
        let read: SaleGuest?
        var code: String?
        switch request.guest {
        case .code(let paymentCode):
            code = paymentCode.digits
            read = try await connection.run(GuestByCode<Lock>(idempotencyKey: key, guest: paymentCode.digits), logger: logger).first { _ in
                true
            }
        case .customer(let id):
            read = try await connection.run(GuestByID<Lock>(idempotencyKey: key, guest: id), logger: logger).first { _ in true }
        case .telegram(let telegramID):
            read = try await connection.run(GuestByTelegramID<Lock>(idempotencyKey: key, guest: telegramID), logger: logger).first { _ in
                true
            }
        }
        guard let guest = read else {
            throw code == nil ? LoyaltyError.customerNotFound : LoyaltyError.codeNotFound
        }
        if guest.saleExists, let earlier = try await existingSale(request, on: connection) { return .earlier(earlier) }
        if code != nil {
            guard let validity = guest.code else { throw LoyaltyError.codeExpired }
            if let refusal = validity.refusal(for: actor.staffID, at: now) { throw refusal }
        }
        guard !guest.blocked else { throw LoyaltyError.customerBlocked }

        let moment = SaleMoment(now, in: guest.settings.cafeTimeZone, locationID: locationID)
        let quote = try SaleQuote.compute(
            amount: request.amount, redeem: request.redeem, account: guest.account, rules: guest.settings.rules,
            campaigns: guest.campaigns, at: moment)
        return .quoted(QuotedSale(guest: guest, code: code, quote: quote, moment: moment))
    }

    /// A code or guest not found may be this very sale, made by an earlier or concurrent call
    /// under the same key (which consumed the code); a reused key must be told apart from an
    /// unknown guest.
    private func earlierSale(
        after refusal: LoyaltyError, _ request: SaleRequest, on connection: PostgresConnection
    ) async throws
        -> ConfirmedSale
    {
        if let earlier = try await existingSale(request, on: connection) { return earlier }
        throw refusal
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
