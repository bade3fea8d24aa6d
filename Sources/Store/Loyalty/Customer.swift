import Domain
import Foundation

/// A registered guest as the engine sees them.
public struct Customer: Sendable, Equatable {
    public var id: Int64
    public var telegramID: Int64
    public var phone: PhoneNumber
    public var firstName: String
    public var lastName: String?
    public var birthDate: CalendarDate?
    public var language: Language
    public var account: LoyaltyAccount
    /// Promotional broadcasts reach the guest only while this is on.
    public var promoOptIn: Bool = true
    /// A guest may change a birth date they gave once; setting a missing one is always allowed.
    public var mayChangeBirthDate: Bool = true
    public var isBlocked: Bool = false
    /// Set when Telegram answered 403 or the guest blocked the bot; cleared when they write again.
    public var isUnreachable: Bool = false
    /// The nearest day some of the guest's points expire, when any do.
    public var upcomingExpiry: UpcomingExpiry? = nil
}

/// What a barista sees after entering a code: never the phone or the birthday.
public struct CustomerCard: Sendable, Equatable {
    public var customerID: Int64
    public var firstName: String
    public var account: LoyaltyAccount
    public var codeExpiresAt: Date
    /// The guest's Telegram account, so a till can tell its own barista's account apart.
    public var telegramID: Int64?
    /// The gifts the guest can still use, soonest to expire first, read with the card.
    public var activeGifts: [CustomerGift]
}

/// How the till identifies the guest: the code from the client bot, or (a POS that looked the
/// guest up) their customer id or Telegram id.
public enum GuestReference: Sendable, Equatable {
    case code(PaymentCode)
    case customer(Int64)
    case telegram(Int64)

    var fingerprint: String {
        switch self {
        case .code(let code): return "code:\(code.digits)"
        case .customer(let id): return "customer:\(id)"
        case .telegram(let id): return "telegram:\(id)"
        }
    }
}

/// A sale as the channel asks for it.
public struct SaleRequest: Sendable, Equatable {
    public var idempotencyKey: String
    public var guest: GuestReference
    public var amount: Money
    public var redeem: RedeemRequest
    public var giftIDs: [Int64]

    public init(idempotencyKey: String, guest: GuestReference, amount: Money, redeem: RedeemRequest, giftIDs: [Int64] = []) {
        self.idempotencyKey = idempotencyKey
        self.guest = guest
        self.amount = amount
        self.redeem = redeem
        self.giftIDs = giftIDs.sorted()
    }

    /// Tells a genuine retry from a different sale sent under a used key.
    var fingerprint: String {
        let redeemPart: String
        switch redeem {
        case .none: redeemPart = "none"
        case .maximum: redeemPart = "max"
        case .points(let points): redeemPart = "points:\(points)"
        }
        return "\(guest.fingerprint)|\(amount.kopecks)|\(redeemPart)|\(giftIDs.map(String.init).joined(separator: ","))"
    }
}

/// A confirmed sale: what the receipt says. A replayed confirmation returns the same sale, marked
/// `isReplay` (equality compares the sale only).
public struct ConfirmedSale: Sendable, Equatable {
    public var orderID: Int64
    public var customerID: Int64
    public var quote: SaleQuote
    public var balanceAfter: Int
    public var debtAfter: Int
    public var createdAt: Date
    /// True when an earlier call with the same idempotency key made this order.
    public var isReplay = false

    public static func == (lhs: ConfirmedSale, rhs: ConfirmedSale) -> Bool {
        (lhs.orderID, lhs.customerID, lhs.quote, lhs.balanceAfter, lhs.debtAfter, lhs.createdAt)
            == (rhs.orderID, rhs.customerID, rhs.quote, rhs.balanceAfter, rhs.debtAfter, rhs.createdAt)
    }
}

public struct CancelledSale: Sendable, Equatable {
    public var orderID: Int64
    public var customerID: Int64
    public var reversal: SaleReversal
    public var balanceAfter: Int
    public var debtAfter: Int
    public var tierAfter: Tier
}
