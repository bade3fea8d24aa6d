import Domain
import Foundation
import Hummingbird
import Runtime
import Store

/// The barista's till Mini App's API: scan or type the code → the guest's card → amount, points
/// and gifts → the quote → confirm; then cancel within the policy. Every call is a bound, active
/// staff member proven by the staff bot's init data, and every rule is the staff bot's (`Till`).
/// The server keeps no draft: each call carries the code, and the code's hold for this barista
/// (taken at the lookup) keeps other tills off the guest meanwhile.
struct TillAppController {
    let miniApp: MiniAppRequest
    let store: Store
    let clock: AppClock
    let nonce: @Sendable () -> String

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("miniapp/api/till/me") { request, _ in
            try await me(request)
        }
        router.post("miniapp/api/till/lookup") { request, _ in
            try await lookUp(request)
        }
        router.post("miniapp/api/till/quote") { request, _ in
            try await quote(request)
        }
        router.post("miniapp/api/till/confirm") { request, _ in
            try await confirm(request)
        }
        router.post("miniapp/api/till/cancel") { request, _ in
            try await cancel(request)
        }
        router.post("miniapp/api/till/release") { request, _ in
            try await release(request)
        }
    }

    struct Me: Encodable {
        var name: String
        var role: String
        var language: String
    }

    struct CodeBody: Decodable {
        var code: String
    }

    struct SaleBody: Decodable {
        var code: String
        var amount: String
        /// `none`, `max`, or a number of points.
        var redeem: String
        var giftIds: [Int64]?
        /// From the quote: every retry of one Confirm carries the same token.
        var confirmToken: String?
    }

    struct CancelBody: Decodable {
        var orderId: Int64
        var reason: String?
    }

    struct GuestCard: Encodable {
        struct Gift: Encodable {
            var id: Int64
            var name: String
            var until: String
        }
        var firstName: String
        var tier: String
        var balance: Int
        var debt: Int
        var gifts: [Gift]
        /// The card as the staff bot shows it.
        var text: String
    }

    struct Quote: Encodable {
        var amountKopecks: Int64
        var toPayKopecks: Int64
        var toPay: String
        var pointsRedeemed: Int
        var pointsEarned: Int
        var maxRedeemable: Int
        var text: String
        var confirmToken: String
    }

    struct Sale: Encodable {
        var orderId: Int64
        var text: String
        var paid: String
        /// Until when this barista may still cancel it, by the policy; nil for a manager, who may
        /// cancel any sale of their location.
        var cancelUntil: Date?
        var cancelAnyTime: Bool
    }

    struct Done: Encodable {
        var text: String
    }

    private func me(_ request: Request) async throws -> Response {
        let caller = try miniApp.caller(request)
        let member = try await store.transaction { tx in try await staffMember(caller, tx: tx) }
        let texts = StaffTexts(language: member.language)
        return try MiniAppRequest.json(Me(name: member.displayName, role: texts.roleName(member.role), language: member.language.rawValue))
    }

    private func lookUp(_ request: Request) async throws -> Response {
        let caller = try miniApp.caller(request)
        let body = try await miniApp.body(request, as: CodeBody.self)
        // A refusal is returned, not thrown, so the transaction commits the wrong code's count.
        let found = try await session(caller) { till, texts -> Result<GuestCard, Problem> in
            let code = try paymentCode(body.code, texts: texts)
            switch try await till.openSale(code: code) {
            case .failure(let refusal): return .failure(Self.problem(refusal, texts: texts))
            case .success(let card):
                let view = try await till.cardView(of: card, language: texts.language)
                return .success(
                    GuestCard(
                        firstName: card.firstName, tier: texts.tierName(view.tier), balance: view.balance, debt: view.debt,
                        gifts: view.gifts.map { GuestCard.Gift(id: $0.id, name: $0.name, until: $0.until) }, text: texts.card(view)))
            }
        }
        let card = try found.get()
        return try MiniAppRequest.json(card)
    }

    private func quote(_ request: Request) async throws -> Response {
        let caller = try miniApp.caller(request)
        let body = try await miniApp.body(request, as: SaleBody.self)
        let quote = try await session(caller) { till, texts in
            let (code, amount, redeem) = try saleInput(body, texts: texts)
            do {
                let quote = try await till.tx.loyalty.quote(
                    code: code, by: till.member.id, amount: amount, redeem: redeem, locationID: till.member.locationID, at: till.now)
                let names = try await giftNames(body.giftIds ?? [], code: code, till: till, language: texts.language)
                return Quote(
                    amountKopecks: quote.amount.kopecks, toPayKopecks: quote.amountToPay.kopecks, toPay: "\(quote.amountToPay)",
                    pointsRedeemed: quote.pointsRedeemed, pointsEarned: quote.pointsEarned, maxRedeemable: quote.maxRedeemable,
                    text: texts.quote(quote, gifts: names), confirmToken: nonce())
            } catch let error as LoyaltyError {
                throw Self.problem(.refused(error), texts: texts)
            }
        }
        return try MiniAppRequest.json(quote)
    }

    /// The engine's `confirmSale` under `staff-app:<member>:<token>`: a double tap, a retry or a
    /// second instance carry the same token and get the one order.
    private func confirm(_ request: Request) async throws -> Response {
        let caller = try miniApp.caller(request)
        let body = try await miniApp.body(request, as: SaleBody.self)
        guard let token = body.confirmToken, (8...64).contains(token.count), token.allSatisfy(\.isHexDigit) else {
            throw Problem(status: .badRequest, code: "invalid_body", title: "Invalid body", detail: "Confirm needs the quote's token.")
        }
        let sale = try await session(caller, retryingRaces: 3) { till, texts in
            let (code, amount, redeem) = try saleInput(body, texts: texts)
            let request = SaleRequest(
                idempotencyKey: "staff-app:\(till.member.id):\(token)", guest: .code(code), amount: amount, redeem: redeem,
                giftIDs: body.giftIds ?? [])
            do {
                let sale = try await till.confirm(request)
                let window = try await till.tx.settings().cancelWindowMinutes
                let isManager = till.member.role == .manager
                return Sale(
                    orderId: sale.orderID, text: texts.saleDone(order: sale.orderID, paid: sale.quote.amountToPay),
                    paid: "\(sale.quote.amountToPay)",
                    cancelUntil: isManager ? nil : sale.createdAt.addingTimeInterval(TimeInterval(window) * 60),
                    cancelAnyTime: isManager)
            } catch let error as LoyaltyError {
                throw Self.problem(.refused(error), texts: texts)
            }
        }
        return try MiniAppRequest.json(sale)
    }

    private func cancel(_ request: Request) async throws -> Response {
        let caller = try miniApp.caller(request)
        let body = try await miniApp.body(request, as: CancelBody.self)
        let done = try await session(caller) { till, texts in
            let reason = body.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            do {
                _ = try await till.cancel(orderID: body.orderId, reason: reason.isEmpty ? texts.cancelledFromTheTill : reason)
                return Done(text: texts.cancelled(order: body.orderId))
            } catch let error as LoyaltyError {
                throw Self.problem(.refused(error), texts: texts)
            }
        }
        return try MiniAppRequest.json(done)
    }

    /// Lets go of a code the till held: the barista scanned another guest or closed the sale.
    private func release(_ request: Request) async throws -> Response {
        let caller = try miniApp.caller(request)
        let body = try await miniApp.body(request, as: CodeBody.self)
        let done = try await session(caller) { till, texts in
            try await till.release(try paymentCode(body.code, texts: texts))
            return Done(text: texts.saleAbandoned)
        }
        return try MiniAppRequest.json(done)
    }

    /// Runs `body` for the active staff member behind the init data, in one transaction.
    private func session<Result: Sendable>(
        _ caller: WebAppInitData, retryingRaces attempts: Int = 1, _ body: @escaping (Till, StaffTexts) async throws -> Result
    ) async throws -> Result {
        let now = clock.now
        return try await store.transaction(retryingRaces: attempts) { tx in
            let member = try await staffMember(caller, tx: tx)
            return try await body(Till(tx: tx, member: member, telegramID: caller.user.id, now: now), StaffTexts(language: member.language))
        }
    }

    /// Strangers and deactivated staff get the staff bot's one polite refusal.
    private func staffMember(_ caller: WebAppInitData, tx: StoreTransaction) async throws -> StaffMember {
        let member = try await tx.staff.member(telegramID: caller.user.id)
        guard let member, member.active else {
            let texts = StaffTexts(language: member?.language ?? Language(telegramLanguageCode: caller.user.languageCode))
            throw MiniAppRequest.refusal(texts.refusal, code: "not_staff", status: .forbidden)
        }
        return member
    }

    private func paymentCode(_ text: String, texts: StaffTexts) throws -> PaymentCode {
        guard let code = PaymentCode(typed: text) else {
            throw MiniAppRequest.refusal(texts.askCode, code: "invalid_code", status: .badRequest)
        }
        return code
    }

    private func saleInput(_ body: SaleBody, texts: StaffTexts) throws -> (PaymentCode, Money, RedeemRequest) {
        let code = try paymentCode(body.code, texts: texts)
        guard let amount = Money(parsing: body.amount) else {
            throw MiniAppRequest.refusal(texts.amountUnreadable, code: "invalid_amount", status: .badRequest)
        }
        switch body.redeem {
        case "none": return (code, amount, RedeemRequest.none)
        case "max": return (code, amount, .maximum)
        default:
            guard let points = Int(body.redeem), (0...10_000_000).contains(points) else {
                throw MiniAppRequest.refusal(texts.pointsUnreadable, code: "invalid_points", status: .badRequest)
            }
            return (code, amount, points == 0 ? RedeemRequest.none : .points(points))
        }
    }

    /// The chosen gifts' names, refusing any that is not this guest's active gift.
    private func giftNames(_ ids: [Int64], code: PaymentCode, till: Till, language: Language) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        let gifts = try await till.tx.loyalty.lookUp(code: code, by: till.member.id, at: till.now).activeGifts
        return try ids.map { id in
            guard let gift = gifts.first(where: { $0.id == id }) else { throw LoyaltyError.giftNotFound }
            return gift.name[language]
        }
    }

    static func problem(_ refusal: Till.Refusal, texts: StaffTexts) -> Problem {
        var problem: Problem
        switch refusal {
        case .throttled(let seconds):
            problem = Problem(status: .tooManyRequests, code: "too_many_wrong_codes", title: "Too many wrong codes")
            problem.headers[.retryAfter] = "\(seconds)"
        case .refused(let error): problem = Problem(error)
        case .ownAccount: problem = Problem(status: .forbidden, code: "own_account", title: "Own account")
        }
        problem.detail = texts.tillRefusal(refusal)
        return problem
    }
}
