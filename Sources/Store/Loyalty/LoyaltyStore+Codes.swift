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
        let settings = try await LoyaltySettings.load(on: connection, logger: logger)
        let expiresAt = now.addingTimeInterval(TimeInterval(settings.codeLifetimeSeconds))
        for _ in 0..<8 {
            let code = drawCode()
            let issued =
                try await connection.query(
                    """
                    INSERT INTO payment_codes (customer_id, code, issued_at, expires_at)
                    SELECT id, \(code.digits), \(now), \(expiresAt)
                    FROM customers
                    WHERE id = \(customerID) AND blocked_at IS NULL AND anonymised_at IS NULL
                      AND NOT EXISTS (SELECT 1 FROM payment_codes WHERE code = \(code.digits) AND customer_id <> \(customerID))
                    ON CONFLICT (customer_id) DO UPDATE
                        SET code = EXCLUDED.code, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at
                    RETURNING customer_id
                    """,
                    logger: logger
                ).collect().count == 1
            if issued { return IssuedCode(code: code, expiresAt: expiresAt) }
            if let refusal = try await refusalForCustomer(customerID, on: connection) { throw refusal }
            // Another guest holds this code: free it if it expired, then draw again.
            try await connection.query(
                "DELETE FROM payment_codes WHERE code = \(code.digits) AND expires_at <= \(now)", logger: logger
            )
        }
        // Eight clashes in a row means a million codes are active at once: not a state to guess in.
        throw LoyaltyError.codeNotFound
    }

    /// The guest behind a code, for the barista's screen. Looking does not consume the code.
    public func lookUp(code: PaymentCode, at now: Date) async throws -> CustomerCard {
        try await session.withConnection { connection in
            try await lookUp(code: code, at: now, on: connection)
        }
    }

    private func lookUp(code: PaymentCode, at now: Date, on connection: PostgresConnection) async throws -> CustomerCard {
        let rows = try await connection.query(
            """
            SELECT c.id, c.first_name, c.tier, c.points_balance, c.points_debt, c.qualification_spend_kopecks, p.expires_at
            FROM payment_codes p JOIN customers c ON c.id = p.customer_id
            WHERE p.code = \(code.digits)
            """,
            logger: logger
        )
        for try await (customerID, firstName, tier, balance, debt, spend, expiresAt) in rows.decode(
            (Int64, String, String, Int, Int, Int64, Date).self
        ) {
            guard expiresAt > now else { throw LoyaltyError.codeExpired }
            return CustomerCard(
                customerID: customerID, firstName: firstName,
                account: LoyaltyAccount(balance: balance, debt: debt, tier: Tier(stored: tier), qualificationSpend: Money(kopecks: spend)),
                codeExpiresAt: expiresAt
            )
        }
        throw LoyaltyError.codeNotFound
    }

    /// The quote a barista is shown before confirming; reads only.
    public func quote(code: PaymentCode, amount: Money, redeem: RedeemRequest, at now: Date) async throws -> SaleQuote {
        try await session.withConnection { connection in
            let card = try await lookUp(code: code, at: now, on: connection)
            let settings = try await LoyaltySettings.load(on: connection, logger: logger)
            return try SaleQuote.compute(amount: amount, redeem: redeem, account: card.account, rules: settings.rules)
        }
    }

    /// Why a command for this guest cannot go ahead, or nil when nothing stops it.
    func refusalForCustomer(_ customerID: Int64, on connection: PostgresConnection) async throws -> LoyaltyError? {
        let blocked = try await connection.query(
            "SELECT blocked_at IS NOT NULL OR anonymised_at IS NOT NULL FROM customers WHERE id = \(customerID)", logger: logger
        ).collect().first?.decode(Bool.self)
        switch blocked {
        case .none: return .customerNotFound
        case .some(true): return .customerBlocked
        case .some(false): return nil
        }
    }
}
