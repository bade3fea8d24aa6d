import Domain
import Foundation
import Runtime
import Store

/// What a staff member's till may do with a guest's code. The staff bot and the till Mini App
/// both go through it, so the two channels follow one set of rules: wrong codes are throttled
/// per staff member and per location, a sale holds the code for its barista, and nobody sells
/// to their own guest account. Cancellations and refunds are the engine's policy (`Actor`).
struct Till {
    let tx: StoreTransaction
    let member: StaffMember
    /// The member's own Telegram account.
    let telegramID: Int64
    let now: Date

    enum Refusal: Error, Equatable {
        case throttled(seconds: Int)
        case refused(LoyaltyError)
        case ownAccount
    }

    func wrongCodeLimits(perMinute: Int) -> [RateLimiter.Limit] {
        [
            .init(key: "wrong_code:staff:\(member.id)", maximum: perMinute, window: 60),
            // A location's tills together get a few times one person's allowance.
            .init(key: "wrong_code:location:\(member.locationID)", maximum: perMinute * 3, window: 60),
        ]
    }

    /// The card behind a code; wrong or expired codes count against the throttle. A sale holds
    /// the code for this member (`LoyaltyStore.lookUpAndHold`); looking a guest up for a gift or a
    /// message does not.
    func card(for code: PaymentCode, holdingForSale: Bool) async throws -> Result<CustomerCard, Refusal> {
        let limits = wrongCodeLimits(perMinute: try await tx.settings().wrongCodeLimitPerMinute)
        if let wait = try await tx.rateLimits.retryAfter(limits, at: now) {
            return .failure(.throttled(seconds: Int(wait)))
        }
        do {
            guard holdingForSale else { return .success(try await tx.loyalty.lookUp(code: code, by: member.id, at: now)) }
            let (card, held) = try await tx.loyalty.lookUpAndHold(code: code, for: member.id, at: now)
            return held ? .success(card) : .failure(.refused(.codeInUse))
        } catch let error as LoyaltyError where error == .codeNotFound || error == .codeExpired {
            try await tx.rateLimits.record(limits, at: now)
            return .failure(.refused(error))
        } catch let error as LoyaltyError where error == .codeInUse {
            return .failure(.refused(error))
        }
    }

    /// Starts a sale: the guest's card with the code held for this member, or why not.
    func openSale(code: PaymentCode) async throws -> Result<CustomerCard, Refusal> {
        let found = try await card(for: code, holdingForSale: true)
        guard case .success(let card) = found else { return found }
        if isOwnAccount(card) {
            try await release(code)
            return .failure(.ownAccount)
        }
        return found
    }

    /// Whether the guest is the staff member themselves, on their own Telegram account.
    func isOwnAccount(_ card: CustomerCard) -> Bool {
        card.telegramID == telegramID
    }

    func release(_ code: PaymentCode) async throws {
        try await tx.loyalty.releaseCode(code, heldBy: member.id)
    }

    /// What the till shows about a guest: never the phone or the birthday.
    func cardView(customerID: Int64, name: String, account: LoyaltyAccount, language: Language) async throws -> GuestCardView {
        let gifts = try await tx.loyalty.activeGifts(customerID: customerID, at: now)
        return try await cardView(name: name, account: account, gifts: gifts, language: language)
    }

    /// The card a code's look-up read, gifts included.
    func cardView(of card: CustomerCard, language: Language) async throws -> GuestCardView {
        try await cardView(name: card.firstName, account: card.account, gifts: card.activeGifts, language: language)
    }

    private func cardView(name: String, account: LoyaltyAccount, gifts: [CustomerGift], language: Language) async throws -> GuestCardView {
        let cafe = CafeTime(identifier: try await tx.settings().timeZone)
        return GuestCardView(
            name: name, tier: account.tier, balance: account.balance, debt: account.debt,
            gifts: gifts.map { (id: $0.id, name: $0.name[language], until: cafe.day($0.expiresAt)) }
        )
    }

    /// The engine's sale, by this member at their location.
    func confirm(_ request: SaleRequest) async throws -> ConfirmedSale {
        try await tx.loyalty.confirmSale(request, by: member.actor, locationID: member.locationID, at: now)
    }

    /// The engine's cancellation; its policy decides who may cancel what, and until when.
    func cancel(orderID: Int64, reason: String) async throws -> CancelledSale {
        try await tx.loyalty.cancelSale(orderID: orderID, by: member.actor, reason: reason, at: now)
    }
}

extension StaffTexts {
    /// A till refusal as the staff member reads it, in the bot and in the till app alike.
    func tillRefusal(_ refusal: Till.Refusal) -> String {
        switch refusal {
        case .throttled(let seconds): return throttled(seconds: seconds)
        case .refused(let error): return self.error(error)
        case .ownAccount: return notForYourself
        }
    }
}
