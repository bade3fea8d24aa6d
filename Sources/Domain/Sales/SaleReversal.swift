/// What cancelling a confirmed sale does to the guest's points.
///
/// Redeemed points come back first. Then the credited points are taken back from what the
/// balance holds; whatever the guest already spent becomes points debt, never silently dropped
/// (dropping it would let buy → redeem → cancel cycles mint points). Debt the sale had repaid is
/// owed again.
public struct SaleReversal: Sendable, Equatable {
    public var pointsRestored: Int
    public var pointsTakenBack: Int
    public var debtAdded: Int

    public var balanceChange: Int { pointsRestored - pointsTakenBack }

    public static func compute(for quote: SaleQuote, balance: Int) -> SaleReversal {
        let available = balance + quote.pointsRedeemed
        let takenBack = min(available, quote.pointsCredited)
        let unrecoverable = quote.pointsCredited - takenBack
        return SaleReversal(
            pointsRestored: quote.pointsRedeemed,
            pointsTakenBack: takenBack,
            debtAdded: unrecoverable + quote.debtRepaid
        )
    }
}
