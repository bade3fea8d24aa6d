/// Why a loyalty command was refused. Each case has a stable machine code that the partner API
/// returns and the bots translate; never rename a code.
public enum LoyaltyError: Error, Equatable, Sendable {
    case invalidAmount
    case amountTooLarge(maximum: Money)
    case invalidPoints
    case insufficientPoints(balance: Int)
    case redeemAboveCap(maximum: Int)
    case codeNotFound
    case codeExpired
    case codeAlreadyUsed
    /// Another till looked the guest up with this code and holds it for its sale.
    case codeInUse
    case customerNotFound
    case customerBlocked
    case alreadyRegistered
    case phoneTaken
    case invalidPhone
    case orderNotFound
    case alreadyCancelled
    /// The order is history brought in from the original system: it moved no points in Crema.
    case importedOrder
    /// A refund larger than what of the order is left to refund.
    case refundAboveOrder(refundable: Money)
    /// Baristas do not refund; a manager does.
    case refundNeedsManager
    case cancelWindowPassed
    case notYourSale
    /// A manager acts only for their own location.
    case notYourLocation
    case giftNotFound
    case giftAlreadyRedeemed
    case giftExpired
    case idempotencyKeyReused
    case birthDateAlreadyChanged
    case invalidBirthDate

    public var code: String {
        switch self {
        case .invalidAmount: return "invalid_amount"
        case .amountTooLarge: return "amount_too_large"
        case .invalidPoints: return "invalid_points"
        case .insufficientPoints: return "insufficient_points"
        case .redeemAboveCap: return "redeem_above_cap"
        case .codeNotFound: return "code_not_found"
        case .codeExpired: return "code_expired"
        case .codeAlreadyUsed: return "code_already_used"
        case .codeInUse: return "code_in_use"
        case .customerNotFound: return "customer_not_found"
        case .customerBlocked: return "customer_blocked"
        case .alreadyRegistered: return "already_registered"
        case .phoneTaken: return "phone_taken"
        case .invalidPhone: return "invalid_phone"
        case .orderNotFound: return "order_not_found"
        case .alreadyCancelled: return "already_cancelled"
        case .importedOrder: return "order_imported"
        case .refundAboveOrder: return "refund_above_order"
        case .refundNeedsManager: return "refund_needs_manager"
        case .cancelWindowPassed: return "cancel_window_passed"
        case .notYourSale: return "not_your_sale"
        case .notYourLocation: return "not_your_location"
        case .giftNotFound: return "gift_not_found"
        case .giftAlreadyRedeemed: return "gift_already_redeemed"
        case .giftExpired: return "gift_expired"
        case .idempotencyKeyReused: return "idempotency_key_reused"
        case .birthDateAlreadyChanged: return "birth_date_already_changed"
        case .invalidBirthDate: return "invalid_birth_date"
        }
    }
}
