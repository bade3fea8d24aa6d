import Domain
import Store

/// A sale being put together in the staff bot, kept in the chat's conversation between the
/// barista's steps.
struct SaleDraft: Codable, Sendable, Equatable {
    var code: PaymentCode
    var amount: Money?
    var giftIDs: [Int64] = []
    var redeem: RedeemRequest?

    init(code: PaymentCode) {
        self.code = code
    }

    /// The engine's request for the Confirm button that carries `nonce`.
    ///
    /// A double tap, a redelivered callback or a second instance all end in one order:
    /// the key is the same for every tap of the same button (`staff-bot:<staff>:<nonce>`), the
    /// engine answers a used key with the first order (`LoyaltyStore.confirmSale`), and a race on
    /// the key's unique index rolls the update back for the webhook to run again
    /// (`Store.transaction(retryingRaces:)`), when the key is found used.
    func request(staffID: Int64, nonce: String) -> SaleRequest? {
        guard let amount, let redeem else { return nil }
        return SaleRequest(
            idempotencyKey: "staff-bot:\(staffID):\(nonce)", guest: .code(code), amount: amount, redeem: redeem, giftIDs: giftIDs
        )
    }
}
