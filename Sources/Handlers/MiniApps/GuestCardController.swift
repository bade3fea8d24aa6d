import Domain
import Foundation
import Hummingbird
import Runtime
import Store

/// The guest's loyalty card Mini App's API: the card, and a fresh payment code with its QR.
/// Every call is the guest proven by the client bot's init data; a guest sees only their own card.
struct GuestCardController {
    let miniApp: MiniAppRequest
    let store: Store
    let clock: AppClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("miniapp/api/guest/card") { request, _ in
            try await card(request)
        }
        router.post("miniapp/api/guest/code") { request, _ in
            try await code(request)
        }
    }

    struct Card: Encodable {
        struct Gift: Encodable {
            var name: String
            var until: String
        }
        struct Expiry: Encodable {
            var points: Int
            var on: String
        }
        var language: String
        var name: String
        var tier: String
        var balance: Int
        /// "баллов" or "points", agreeing with `balance`.
        var balanceUnit: String
        var debt: Int
        var gifts: [Gift]
        var nextExpiry: Expiry?
        /// Debt, expiry, the next tier and gifts, as the guest reads them in the bot.
        var details: [String]
        var operations: [String]
    }

    struct IssuedCode: Encodable {
        var code: String
        /// `123 456`, as the guest reads it aloud.
        var display: String
        var expiresAt: Date
        var secondsLeft: Int
        /// What the QR holds: the code's six digits, nothing a photo could use once it expires.
        var qrText: String
        var qrSvg: String
    }

    private func card(_ request: Request) async throws -> Response {
        let caller = try miniApp.caller(request)
        let now = clock.now
        let card = try await store.transaction { tx in
            let customer = try await guest(caller, tx: tx)
            let texts = clientTexts(customer.language)
            let view = try await ProfileView.load(customer, tx: tx, language: customer.language, at: now)
            let cafe = CafeTime(identifier: try await tx.settings().timeZone)
            let activity = try await tx.loyalty.recentActivity(customerID: customer.id, limit: 5)
            return Card(
                language: customer.language.rawValue, name: customer.firstName, tier: texts.tierName(view.tier),
                balance: view.balance, balanceUnit: texts.points(view.balance), debt: view.debt,
                gifts: view.gifts.map { Card.Gift(name: $0.name, until: $0.until) },
                nextExpiry: view.expiring.map { Card.Expiry(points: $0.points, on: $0.day) },
                details: texts.profileDetails(view),
                operations: activity.map { texts.historyLine($0, date: cafe.day($0.at)) }
            )
        }
        return try MiniAppRequest.json(card)
    }

    /// A new code voids the previous one, as the bot's does.
    private func code(_ request: Request) async throws -> Response {
        let caller = try miniApp.caller(request)
        let now = clock.now
        let issued = try await store.transaction { tx in
            let customer = try await guest(caller, tx: tx)
            return try await tx.loyalty.issueCode(customerID: customer.id, at: now)
        }
        guard let qr = QRCode(issued.code.digits) else { throw Problem(status: .internalServerError, code: "qr", title: "No QR") }
        return try MiniAppRequest.json(
            IssuedCode(
                code: issued.code.digits, display: issued.code.description, expiresAt: issued.expiresAt,
                secondsLeft: max(0, Int(issued.expiresAt.timeIntervalSince(now).rounded())),
                qrText: issued.code.digits, qrSvg: qr.svg(title: issued.code.description)))
    }

    /// The registered, unblocked guest behind the init data, or the bot's own words for why not.
    private func guest(_ caller: WebAppInitData, tx: StoreTransaction) async throws -> Customer {
        guard let customer = try await tx.loyalty.customer(telegramID: caller.user.id) else {
            let texts = clientTexts(Language(telegramLanguageCode: caller.user.languageCode))
            throw MiniAppRequest.refusal(texts.needsRegistration, code: "not_registered", status: .forbidden)
        }
        guard !customer.isBlocked else {
            throw MiniAppRequest.refusal(clientTexts(customer.language).accountBlocked, code: "customer_blocked", status: .forbidden)
        }
        return customer
    }
}
