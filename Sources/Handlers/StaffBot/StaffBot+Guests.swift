import Domain
import Foundation
import Runtime
import Store

/// Finding the guest behind what a staff member typed: a payment code (throttled on wrong
/// ones, per staff member and per location) or, for managers, a phone number.
extension StaffBot {
    enum GuestLookup {
        case found(Customer)
        case refused(String)
    }

    func wrongCodeLimits(_ turn: StaffTurn, perMinute: Int) -> [RateLimiter.Limit] {
        [
            .init(key: "wrong_code:staff:\(turn.member.id)", maximum: perMinute, window: 60),
            // A location's tills together get a few times one person's allowance.
            .init(key: "wrong_code:location:\(turn.member.locationID)", maximum: perMinute * 3, window: 60),
        ]
    }

    /// The card behind a code; wrong or expired codes count against the throttle. A sale holds
    /// the code for this barista (`LoyaltyStore.holdCode`); looking a guest up for a gift or a
    /// message does not.
    func card(for code: PaymentCode, holdingForSale: Bool = false, turn: StaffTurn) async throws -> Result<CustomerCard, LookupRefusal> {
        let settings = try await turn.tx.settings()
        let limits = wrongCodeLimits(turn, perMinute: settings.wrongCodeLimitPerMinute)
        if let wait = try await turn.tx.rateLimits.retryAfter(limits, at: turn.now) {
            return .failure(LookupRefusal(text: turn.texts.throttled(seconds: Int(wait))))
        }
        do {
            let card = try await turn.tx.loyalty.lookUp(code: code, by: turn.member.id, at: turn.now)
            if holdingForSale, try await !turn.tx.loyalty.holdCode(code, for: turn.member.id, at: turn.now) {
                return .failure(LookupRefusal(text: turn.texts.error(.codeInUse)))
            }
            return .success(card)
        } catch let error as LoyaltyError where error == .codeNotFound || error == .codeExpired {
            try await turn.tx.rateLimits.record(limits, at: turn.now)
            return .failure(LookupRefusal(text: turn.texts.error(error)))
        } catch let error as LoyaltyError where error == .codeInUse {
            return .failure(LookupRefusal(text: turn.texts.error(error)))
        }
    }

    func findGuest(_ text: String, turn: StaffTurn) async throws -> GuestLookup {
        if let code = PaymentCode(typed: text) {
            switch try await card(for: code, turn: turn) {
            case .failure(let refusal): return .refused(refusal.text)
            case .success(let card):
                guard let customer = try await turn.tx.loyalty.customer(id: card.customerID) else {
                    return .refused(turn.texts.error(.customerNotFound))
                }
                return .found(customer)
            }
        }
        if turn.member.role == .manager, let phone = PhoneNumber(normalizing: text) {
            guard let customer = try await turn.tx.loyalty.customer(phone: phone) else {
                return .refused(turn.texts.error(.customerNotFound))
            }
            return .found(customer)
        }
        return .refused(turn.member.role == .manager ? turn.texts.askCodeOrPhone : turn.texts.askCode)
    }

    func cardView(customerID: Int64, name: String, account: LoyaltyAccount, turn: StaffTurn) async throws -> GuestCardView {
        let cafe = try await cafeTime(turn)
        let gifts = try await turn.tx.loyalty.activeGifts(customerID: customerID, at: turn.now)
        return GuestCardView(
            name: name, tier: account.tier, balance: account.balance, debt: account.debt,
            gifts: gifts.map { (id: $0.id, name: $0.name[turn.texts.language], until: cafe.day($0.expiresAt)) }
        )
    }

    /// Whether the guest is the staff member themselves (their own Telegram account): the chat
    /// with the bot is private, so its id is the member's Telegram id.
    func isOwnAccount(_ customerID: Int64, turn: StaffTurn) async throws -> Bool {
        try await turn.tx.loyalty.customer(id: customerID)?.telegramID == turn.chatID
    }

    func cafeTime(_ turn: StaffTurn) async throws -> CafeTime {
        CafeTime(identifier: try await turn.tx.settings().timeZone)
    }
}

struct LookupRefusal: Error {
    let text: String
}
