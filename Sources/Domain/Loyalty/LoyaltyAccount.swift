/// A guest's standing: points, points debt, tier and the spend that qualifies for tiers.
///
/// Every change to an account is one of the pure functions below; the store only persists what
/// they return, under a lock on the guest, so the rules the tests check are the rules that ship.
public struct LoyaltyAccount: Sendable, Equatable {
    public var balance: Int
    public var debt: Int
    public var tier: Tier
    public var qualificationSpend: Money
    /// A tier the guest keeps whatever their spend says (the status a café's original system
    /// gave them); spend in Crema can only take them above it.
    public var tierFloor: Tier

    public init(balance: Int, debt: Int, tier: Tier, qualificationSpend: Money, tierFloor: Tier = .standard) {
        self.balance = balance
        self.debt = debt
        self.tier = tier
        self.qualificationSpend = qualificationSpend
        self.tierFloor = tierFloor
    }

    public static let new = LoyaltyAccount(balance: 0, debt: 0, tier: .standard, qualificationSpend: .zero)

    /// The account after a confirmed sale: redeemed points leave, credited points arrive, debt is
    /// repaid from the earnings, the amount counts towards tiers and the tier never drops.
    public func applying(_ quote: SaleQuote) -> LoyaltyAccount {
        LoyaltyAccount(
            balance: balance + quote.balanceChange,
            debt: debt - quote.debtRepaid,
            tier: quote.tierAfter,
            qualificationSpend: qualificationSpend + quote.amount,
            tierFloor: tierFloor
        )
    }

    /// The account after that sale is cancelled (see `SaleReversal`): the amount no longer counts
    /// towards tiers, and the tier is what the remaining spend reaches under today's rules.
    /// After partial refunds (`refundedBefore`), a cancellation reverses what they left.
    public func reverting(
        _ quote: SaleQuote, refundedBefore: Money = .zero, rules: LoyaltyRules
    ) -> (reversal: SaleReversal, account: LoyaltyAccount) {
        let remaining = quote.amount - refundedBefore
        guard refundedBefore.kopecks > 0 else { return reverting(RefundShare(of: quote), amount: quote.amount, rules: rules) }
        let share = (try? RefundShare(refunding: remaining, of: quote, refundedBefore: refundedBefore)) ?? .nothing
        return reverting(share, amount: Money(kopecks: max(0, remaining.kopecks)), rules: rules)
    }

    /// The account after `amount` of `quote`'s sale is refunded, `refundedBefore` having been
    /// refunded already: its share of the points is reversed as a cancellation would, the amount
    /// no longer counts towards tiers and the tier is recomputed.
    public func refunding(
        _ amount: Money, of quote: SaleQuote, refundedBefore: Money, rules: LoyaltyRules
    ) throws(LoyaltyError) -> (reversal: SaleReversal, account: LoyaltyAccount) {
        let share = try RefundShare(refunding: amount, of: quote, refundedBefore: refundedBefore)
        return reverting(share, amount: amount, rules: rules)
    }

    private func reverting(_ share: RefundShare, amount: Money, rules: LoyaltyRules) -> (reversal: SaleReversal, account: LoyaltyAccount) {
        let reversal = SaleReversal.compute(for: share, balance: balance)
        let spend = Money(kopecks: max(0, (qualificationSpend - amount).kopecks))
        let account = LoyaltyAccount(
            balance: balance + reversal.balanceChange,
            debt: debt + reversal.debtAdded,
            tier: max(tierFloor, rules.tier(forSpend: spend)),
            qualificationSpend: spend,
            tierFloor: tierFloor
        )
        return (reversal, account)
    }

    /// The account after a manual credit or debit, which never takes the balance below zero.
    public func applying(_ adjustment: PointsAdjustment) throws(LoyaltyError) -> LoyaltyAccount {
        guard balance + adjustment.points >= 0 else { throw .insufficientPoints(balance: balance) }
        var account = self
        account.balance += adjustment.points
        return account
    }
}

/// Points credited (positive) or debited (negative) by hand, always with a reason.
public struct PointsAdjustment: Sendable, Equatable {
    public let points: Int
    public let reason: String

    public init(points: Int, reason: String) throws(LoyaltyError) {
        guard points != 0, !reason.isEmpty else { throw .invalidPoints }
        self.points = points
        self.reason = reason
    }
}
