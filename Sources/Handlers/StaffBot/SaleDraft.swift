import Domain
import Store

/// A sale being put together in the staff bot, kept in the chat's conversation row between
/// the barista's steps.
struct SaleDraft: Equatable {
    var code: PaymentCode
    var amount: Money?
    var giftIDs: [Int64] = []
    var redeem: RedeemRequest?
    /// Ties the confirm button to this draft; the idempotency key is made from it.
    var nonce: String?
    var orderID: Int64?

    init(code: PaymentCode) {
        self.code = code
    }

    init?(_ conversation: Conversation) {
        guard let code = conversation.data["code"].flatMap(PaymentCode.init(typed:)) else { return nil }
        self.code = code
        amount = conversation.data["amount"].flatMap(Int64.init).map(Money.init(kopecks:))
        giftIDs = (conversation.data["gifts"] ?? "").split(separator: ",").compactMap { Int64($0) }
        redeem = conversation.data["redeem"].flatMap(Self.redeem(from:))
        nonce = conversation.data["nonce"]
        orderID = conversation.data["order"].flatMap(Int64.init)
    }

    func conversation(_ step: StaffStep) -> Conversation {
        var data = ["code": code.digits, "gifts": giftIDs.map(String.init).joined(separator: ",")]
        data["amount"] = amount.map { String($0.kopecks) }
        data["redeem"] = redeem.map(Self.text(for:))
        data["nonce"] = nonce
        data["order"] = orderID.map(String.init)
        return Conversation(state: step.rawValue, data: data)
    }

    /// The engine's request; the key is the same for every tap of the same confirm button.
    func request(staffID: Int64) -> SaleRequest? {
        guard let amount, let redeem, let nonce else { return nil }
        return SaleRequest(
            idempotencyKey: "staff-bot:\(staffID):\(nonce)", guest: .code(code), amount: amount, redeem: redeem, giftIDs: giftIDs
        )
    }

    static func text(for redeem: RedeemRequest) -> String {
        switch redeem {
        case .none: return "none"
        case .maximum: return "max"
        case .points(let points): return String(points)
        }
    }

    static func redeem(from text: String) -> RedeemRequest? {
        switch text {
        case "none": return RedeemRequest.none
        case "max": return .maximum
        default: return Int(text).map { .points($0) }
        }
    }
}
