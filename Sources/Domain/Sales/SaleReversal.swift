/// What cancelling a confirmed sale, or refunding part of it, does to the guest's points.
///
/// Redeemed points come back first. Then the credited points are taken back from what the
/// balance holds; whatever the guest already spent becomes points debt, never silently dropped
/// (dropping it would let buy → redeem → cancel cycles mint points). Debt the sale had repaid is
/// owed again. A partial refund does the same with its share of each (`RefundShare`).
public struct SaleReversal: Sendable, Equatable {
    public var pointsRestored: Int
    public var pointsTakenBack: Int
    public var debtAdded: Int

    public init(pointsRestored: Int, pointsTakenBack: Int, debtAdded: Int) {
        self.pointsRestored = pointsRestored
        self.pointsTakenBack = pointsTakenBack
        self.debtAdded = debtAdded
    }

    public var balanceChange: Int { pointsRestored - pointsTakenBack }

    public static func compute(for share: RefundShare, balance: Int) -> SaleReversal {
        let available = balance + share.redeemed
        let takenBack = min(available, share.credited)
        let unrecoverable = share.credited - takenBack
        return SaleReversal(
            pointsRestored: share.redeemed,
            pointsTakenBack: takenBack,
            debtAdded: unrecoverable + share.debtRepaid
        )
    }
}

/// The part of a sale's points that a refund of part of its amount reverses: each of redeemed,
/// credited and debt repaid in proportion, rounded down on the running total so that the refunds
/// of one order together never reverse more than the sale moved, and all of it once the whole
/// amount is refunded.
public struct RefundShare: Sendable, Equatable {
    public var redeemed: Int
    public var credited: Int
    public var debtRepaid: Int

    public static let nothing = RefundShare(redeemed: 0, credited: 0, debtRepaid: 0)

    public init(redeemed: Int, credited: Int, debtRepaid: Int) {
        self.redeemed = redeemed
        self.credited = credited
        self.debtRepaid = debtRepaid
    }

    /// All of the sale: what a cancellation of an order never refunded reverses.
    public init(of quote: SaleQuote) {
        redeemed = quote.pointsRedeemed
        credited = quote.pointsCredited
        debtRepaid = quote.debtRepaid
    }

    /// The share of refunding `amount` more of `quote`'s sale after `refundedBefore`.
    public init(refunding amount: Money, of quote: SaleQuote, refundedBefore: Money) throws(LoyaltyError) {
        guard amount.kopecks > 0 else { throw .invalidAmount }
        let refundable = quote.amount - refundedBefore
        guard amount <= refundable else { throw .refundAboveOrder(refundable: Money(kopecks: max(0, refundable.kopecks))) }
        let (total, before, after) = (quote.amount.kopecks, refundedBefore.kopecks, (refundedBefore + amount).kopecks)
        func share(_ points: Int) -> Int {
            Int(Int64(points) * after / total - Int64(points) * before / total)
        }
        redeemed = share(quote.pointsRedeemed)
        credited = share(quote.pointsCredited)
        debtRepaid = share(quote.debtRepaid)
    }
}
