import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    public struct IssuedCode: Sendable, Equatable {
        public var code: PaymentCode
        public var expiresAt: Date
    }

    /// Gives the guest a fresh code, voiding their previous one. Uniqueness among active codes is
    /// the table's constraint: on the rare clash with another guest's code, an expired holder is
    /// cleared and a new code drawn.
    ///
    /// A code another guest holds is skipped by the insert's guard rather than by a unique
    /// violation, so a caller's transaction stays usable; only two guests drawing the same free
    /// code at the same instant can still raise one.
    public func issueCode(customerID: Int64, at now: Date) async throws -> IssuedCode {
        try await session.withConnection { connection in
            try await issueCode(customerID: customerID, at: now, on: connection)
        }
    }

    private func issueCode(customerID: Int64, at now: Date, on connection: PostgresConnection) async throws -> IssuedCode {
        let settings = try await session.settings(on: connection)
        let expiresAt = now.addingTimeInterval(TimeInterval(settings.codeLifetimeSeconds))
        for _ in 0..<8 {
            let code = drawCode()
            let statement = IssueCode(customerID: customerID, code: code.digits, now: now, expiresAt: expiresAt)
            if try await !connection.collect(statement, logger: logger).isEmpty { return IssuedCode(code: code, expiresAt: expiresAt) }
            if let refusal = try await refusalForCustomer(customerID, on: connection) { throw refusal }
            // Another guest holds this code: free it if it expired, then draw again.
            try await connection.run(
                """
                DELETE FROM payment_codes
                WHERE code = \(code.digits) AND expires_at <= \(now) AND (held_until IS NULL OR held_until <= \(now))
                """,
                logger: logger
            )
        }
        // Eight clashes in a row means a million codes are active at once: not a state to guess in.
        throw LoyaltyError.codeNotFound
    }

    /// The guest behind a code, for the barista's screen. Looking does not consume the code.
    /// `staffID` names the till asking (nil for a partner's POS): a code another barista holds
    /// is `codeInUse` (`CodeValidity`).
    public func lookUp(code: PaymentCode, by staffID: Int64? = nil, at now: Date) async throws -> CustomerCard {
        try await session.withConnection { connection in
            try await lookUp(code: code, by: staffID, at: now, on: connection)
        }
    }

    private func lookUp(code: PaymentCode, by staffID: Int64?, at now: Date, on connection: PostgresConnection) async throws -> CustomerCard
    {
        for try await row in try await connection.run(LookUpCode(code: code.digits, now: now), logger: logger) {
            return try Self.card(from: row, for: staffID, at: now).card
        }
        throw LoyaltyError.codeNotFound
    }

    /// The guest behind a code, as `lookUp` finds them, with the code held for `staffID` in the
    /// same statement: for the `code_hold_minutes` setting, so that only their sale can use it.
    /// Looking again within the code's own lifetime renews the hold; an expired code is never
    /// revived. `held` is false when another till took the code first. The card is the code as
    /// it was before this hold, so a refusal is the one `lookUp` would give, and a refused code
    /// is never held.
    public func lookUpAndHold(code: PaymentCode, for staffID: Int64, at now: Date) async throws -> (card: CustomerCard, held: Bool) {
        try await session.withConnection { connection in
            let settings = try await session.settings(on: connection)
            let until = settings.codeHoldMinutes > 0 ? now.addingTimeInterval(TimeInterval(settings.codeHoldMinutes * 60)) : nil
            let statement = LookUpAndHoldCode(code: code.digits, staffID: staffID, now: now, until: until)
            for try await row in try await connection.run(statement, logger: logger) {
                let (card, validity) = try Self.card(from: row, for: staffID, at: now)
                guard until != nil else { return (card, true) }
                let heldNow = try Columns(row)("held", as: Bool.self)
                // An expired code its barista still holds cannot be held again; it is theirs.
                let heldAlready = validity.heldBy == staffID && (validity.heldUntil ?? .distantPast) > now
                return (card, heldNow || heldAlready)
            }
            throw LoyaltyError.codeNotFound
        }
    }

    /// The card in a row of `LookUpCode`'s columns, or the refusal its code gives `staffID`.
    private static func card(
        from row: PostgresRow, for staffID: Int64?, at now: Date
    ) throws -> (card: CustomerCard, validity: CodeValidity) {
        let (customerID, firstName, tier, balance, debt, spend, expiresAt, heldBy, heldUntil, telegramID) = try row.decode(
            (Int64, String, String, Int, Int, Int64, Date, Int64?, Date?, Int64?).self)
        let validity = CodeValidity(expiresAt: expiresAt, heldBy: heldBy, heldUntil: heldUntil)
        if let refusal = validity.refusal(for: staffID, at: now) { throw refusal }
        let card = CustomerCard(
            customerID: customerID, firstName: firstName,
            account: LoyaltyAccount(balance: balance, debt: debt, tier: Tier(stored: tier), qualificationSpend: Money(kopecks: spend)),
            codeExpiresAt: validity.usableUntil(by: staffID), telegramID: telegramID,
            activeGifts: try CustomerGift.active(in: row, customerID: customerID)
        )
        return (card, validity)
    }

    /// Lets go of a code the barista held: the draft was dropped, so another till may use it
    /// for the rest of its own lifetime.
    public func releaseCode(_ code: PaymentCode, heldBy staffID: Int64) async throws {
        try await session.withConnection { connection in
            try await connection.run(
                """
                UPDATE payment_codes SET held_by_staff_id = NULL, held_until = NULL
                WHERE code = \(code.digits) AND held_by_staff_id = \(staffID)
                """,
                logger: logger
            )
        }
    }

    /// The quote a barista is shown before confirming, with the campaigns running at
    /// `locationID` now; reads only.
    public func quote(
        code: PaymentCode, by staffID: Int64? = nil, amount: Money, redeem: RedeemRequest, locationID: Int64? = nil, at now: Date
    ) async throws
        -> SaleQuote
    {
        try await quotedCard(code: code, by: staffID, amount: amount, redeem: redeem, locationID: locationID, at: now).quote
    }

    /// The quote together with the guest's card it was computed from, for a caller that shows both.
    public func quotedCard(
        code: PaymentCode, by staffID: Int64? = nil, amount: Money, redeem: RedeemRequest, locationID: Int64? = nil, at now: Date
    ) async throws -> (card: CustomerCard, quote: SaleQuote) {
        try await session.withConnection { connection in
            let card = try await lookUp(code: code, by: staffID, at: now, on: connection)
            let settings = try await session.settings(on: connection)
            let campaigns = try await runningCampaigns(on: connection)
            let quote = try SaleQuote.compute(
                amount: amount, redeem: redeem, account: card.account, rules: settings.rules, campaigns: campaigns,
                at: SaleMoment(now, in: settings.cafeTimeZone, locationID: locationID))
            return (card, quote)
        }
    }

    /// The campaigns running now, for a quote.
    public func runningCampaigns() async throws -> [Campaign] {
        try await session.withConnection { connection in try await runningCampaigns(on: connection) }
    }

    func runningCampaigns(on connection: PostgresConnection) async throws -> [Campaign] {
        if let fetched = session.memo?.runningCampaigns {
            return try JSONDecoder().decode([Campaign].self, from: Data(fetched.utf8))
        }
        for try await row in try await connection.run(RunningCampaigns(), logger: logger) {
            return try JSONDecoder().decode([Campaign].self, from: Data(try row.decode(String.self).utf8))
        }
        return []
    }

    /// Why a command for this guest cannot go ahead, or nil when nothing stops it.
    func refusalForCustomer(_ customerID: Int64, on connection: PostgresConnection) async throws -> LoyaltyError? {
        let blocked = try await connection.run(
            "SELECT blocked_at IS NOT NULL OR anonymised_at IS NOT NULL FROM customers WHERE id = \(customerID)", logger: logger
        ).collect().first?.decode(Bool.self)
        switch blocked {
        case .none: return .customerNotFound
        case .some(true): return .customerBlocked
        case .some(false): return nil
        }
    }
}

/// The multiplier campaigns running now, as one JSON array (every quote reads them).
struct RunningCampaigns: PlannedStatement {
    static let parameters = StatementParameters<RunningCampaigns>([])
    static let sql = CampaignStore.runningSelect
}

/// The guest behind a payment code, with the code's lifetime and hold, and their active gifts
/// (every till screen that shows the card shows them: one round trip where there were two).
struct LookUpCode: PlannedStatement {
    static let parameters = StatementParameters<LookUpCode>([
        .init("code", .text) { $0.code },
        .init("now", .timestamptz) { $0.now },
    ])

    /// The card's columns, then the gifts' (`CustomerGift.active(in:customerID:)`).
    static let select = """
        SELECT c.id, c.first_name, c.tier, c.points_balance, c.points_debt, c.qualification_spend_kopecks,
               p.expires_at, p.held_by_staff_id, p.held_until, c.telegram_id, gifts.*
        FROM payment_codes p JOIN customers c ON c.id = p.customer_id
        CROSS JOIN LATERAL (\(CustomerGift.activeAggregate(of: "c.id", now: ":now"))) AS gifts
        WHERE p.code = :code
        """

    static let sql = parameters.sql(select)

    var code: String
    var now: Date
}

/// `LookUpCode` and the code's hold in one round trip (no hold when `until` is nil). The look-up reads
/// the code as it was when the statement began, before its own hold.
struct LookUpAndHoldCode: PlannedStatement {
    static let parameters = StatementParameters<LookUpAndHoldCode>([
        .init("code", .text) { $0.code },
        .init("staff_id", .int8) { $0.staffID },
        .init("now", .timestamptz) { $0.now },
        .init("until", .timestamptz) { $0.until },
    ])

    static let sql = parameters.sql(
        """
        WITH held AS (
            -- A fresh code, unless another barista's hold still runs.
            UPDATE payment_codes SET held_by_staff_id = :staff_id, held_until = :until
            WHERE code = :code AND expires_at > :now
              AND (held_by_staff_id IS NULL OR held_until <= :now OR held_by_staff_id = :staff_id)
              AND :until::timestamptz IS NOT NULL
            RETURNING 1
        ), card AS (
            \(LookUpCode.select)
        )
        SELECT card.*, EXISTS (SELECT 1 FROM held) AS held FROM card
        """)

    var code: String
    var staffID: Int64
    var now: Date
    var until: Date?
}

/// Gives a guest who may buy a fresh code, replacing their previous one; no row when the guest
/// may not, or another guest holds this code.
struct IssueCode: PlannedStatement {
    static let parameters = StatementParameters<IssueCode>([
        .init("customer_id", .int8) { $0.customerID },
        .init("code", .text) { $0.code },
        .init("now", .timestamptz) { $0.now },
        .init("expires_at", .timestamptz) { $0.expiresAt },
    ])

    static let sql = parameters.sql(
        """
        INSERT INTO payment_codes (customer_id, code, issued_at, expires_at)
        SELECT id, :code, :now, :expires_at
        FROM customers
        WHERE id = :customer_id AND blocked_at IS NULL AND anonymised_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM payment_codes WHERE code = :code AND customer_id <> :customer_id)
        ON CONFLICT (customer_id) DO UPDATE
            SET code = EXCLUDED.code, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at,
                held_by_staff_id = NULL, held_until = NULL
        RETURNING customer_id
        """)

    var customerID: Int64
    var code: String
    var now: Date
    var expiresAt: Date
}
