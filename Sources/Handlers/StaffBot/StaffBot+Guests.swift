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

    /// The card behind a code, by the till's rules (`Till.card(for:holdingForSale:)`).
    func card(for code: PaymentCode, holdingForSale: Bool = false, turn: StaffTurn) async throws -> Result<CustomerCard, LookupRefusal> {
        try await turn.till.card(for: code, holdingForSale: holdingForSale).mapError { LookupRefusal(text: turn.texts.tillRefusal($0)) }
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
        try await turn.till.cardView(customerID: customerID, name: name, account: account, language: turn.texts.language)
    }

    func cafeTime(_ turn: StaffTurn) async throws -> CafeTime {
        CafeTime(identifier: try await turn.tx.settings().timeZone)
    }
}

struct LookupRefusal: Error {
    let text: String
}
