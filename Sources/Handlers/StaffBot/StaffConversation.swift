import Domain
import Store

/// Where a staff member's chat stands, with everything the next step needs; stored as JSON in the
/// chat's conversation row between updates.
enum StaffConversation: ConversationState {
    case saleCode
    case saleAmount(SaleDraft)
    case saleRedeem(SaleDraft)
    case salePoints(SaleDraft)
    /// The quote is shown; `nonce` ties its Confirm button to this draft.
    case saleQuote(SaleDraft, nonce: String)
    /// Confirmed: a repeated tap of the same button answers with the same order.
    case saleDone(SaleDraft, nonce: String, orderID: Int64)
    case giftGuest
    case giftCard(customerID: Int64)
    case giftReason(customerID: Int64, catalogID: Int64)
    /// The list of sales to cancel is shown; an order number may be typed instead.
    case cancelPick
    case cancelReason(orderID: Int64)
    /// A manager refunding part of an order: first the amount, then the reason.
    case refundAmount(orderID: Int64)
    case refundReason(orderID: Int64, amount: Money, nonce: String)
    case messageGuest
    case messageText(customerID: Int64)
    case broadcastAudience
    case broadcastText(audience: BroadcastChoice)
    case broadcastConfirm(audience: BroadcastChoice, text: String, nonce: String)

    var step: String {
        switch self {
        case .saleCode: return "sale_code"
        case .saleAmount: return "sale_amount"
        case .saleRedeem: return "sale_redeem"
        case .salePoints: return "sale_points"
        case .saleQuote: return "sale_quote"
        case .saleDone: return "sale_done"
        case .giftGuest: return "gift_guest"
        case .giftCard: return "gift_card"
        case .giftReason: return "gift_reason"
        case .cancelPick: return "cancel_pick"
        case .cancelReason: return "cancel_reason"
        case .refundAmount: return "refund_amount"
        case .refundReason: return "refund_reason"
        case .messageGuest: return "message_guest"
        case .messageText: return "message_text"
        case .broadcastAudience: return "broadcast_audience"
        case .broadcastText: return "broadcast_text"
        case .broadcastConfirm: return "broadcast_confirm"
        }
    }

    /// The sale being drafted, before it is confirmed.
    var saleDraft: SaleDraft? {
        switch self {
        case .saleAmount(let draft), .saleRedeem(let draft), .salePoints(let draft), .saleQuote(let draft, _): return draft
        default: return nil
        }
    }

    /// Steps that wait for a guest's code or phone for their own purpose; elsewhere a typed code
    /// starts a sale.
    var waitsForGuest: Bool {
        switch self {
        case .saleCode, .giftGuest, .messageGuest: return true
        default: return false
        }
    }

    var isBroadcast: Bool {
        switch self {
        case .broadcastAudience, .broadcastText, .broadcastConfirm: return true
        default: return false
        }
    }
}

/// The audience a manager picked for a broadcast. "This month's birthdays" is resolved to a month
/// only when the broadcast is previewed and sent, in the café's time zone.
enum BroadcastChoice: Codable, Sendable, Equatable {
    case everyone
    case tier(Tier)
    case active(days: Int)
    case birthdaysThisMonth
}
