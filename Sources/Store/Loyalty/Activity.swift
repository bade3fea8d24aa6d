import Domain
import Foundation

/// One line of a guest's history: a sale, a points entry outside a sale, or a gift.
public struct ActivityEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case order(id: Int64, amount: Money, paid: Money, earned: Int, redeemed: Int)
        /// A ledger entry that is not part of a sale: reversals (a refund's prefixed `refund_`),
        /// manual and birthday credits, debt, expiry.
        case points(kind: String, points: Int, debt: Int, orderID: Int64?)
        case giftIssued(name: LocalizedName)
        case giftRedeemed(name: LocalizedName)
    }

    public var at: Date
    public var kind: Kind
}
