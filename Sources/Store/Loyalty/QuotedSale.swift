import Domain
import Foundation

/// A sale quoted on the guest as the sale read them: what its write needs and what its answer says.
struct QuotedSale: Sendable {
    var guest: SaleGuest
    /// The payment code's digits, when the guest was named by one.
    var code: String?
    var quote: SaleQuote
    var moment: SaleMoment

    var accountAfter: LoyaltyAccount { guest.account.applying(quote) }

    /// Whether the whole sale is its one guarded write. Spending points draws from the guest's
    /// lots and spending gifts redeems them, both read under the lock on the guest; a visit card
    /// counts the guest's visits and a referral rewards the friend under it too.
    func fitsOneWrite(giftIDs: [Int64]) -> Bool {
        giftIDs.isEmpty && quote.pointsRedeemed == 0
            && !guest.visitCards.contains { $0.card.runs(on: moment.day) }
            && !(guest.referral.map { $0.rule.runs(on: moment.day) } ?? false)
    }

    func write(
        _ request: SaleRequest, by actor: Actor, locationID: Int64, at now: Date, draws: [LotMovement] = [],
        visit: (campaign: String, progress: VisitProgress)? = nil
    ) throws -> WriteSale {
        let after = accountAfter
        let settings = guest.settings
        return try WriteSale(
            guest: guest, code: code, locationID: locationID, actor: actor, request: request, quote: quote,
            balanceAfter: after.balance, debtAfter: after.debt, now: now, draws: draws,
            lotExpiresOn: settings.pointsValidity.expiry(ofPointsEarnedAt: now, in: settings.cafeTimeZone), visit: visit)
    }

    func confirmed(orderID: Int64, at now: Date) -> ConfirmedSale {
        let after = accountAfter
        return ConfirmedSale(
            orderID: orderID, customerID: guest.customerID, quote: quote,
            balanceAfter: after.balance, debtAfter: after.debt, createdAt: now.roundedToMicroseconds)
    }
}

/// What reading the guest for a sale found: the order its idempotency key already made, or the
/// sale quoted.
enum SaleReading: Sendable {
    case earlier(ConfirmedSale)
    case quoted(QuotedSale)
}

/// How one guarded write of a sale ended.
enum GuardedAttempt: Sendable {
    case confirmed(ConfirmedSale)
    /// Another write to the guest came between the read and the write: nothing was written.
    case raced
    /// The sale needs the lock on the guest (`QuotedSale.fitsOneWrite`).
    case needsLock
}
