import Domain
import Foundation
import Logging
import OpenAPIRuntime
import PartnerAPIContract
import Runtime
import Store

/// The partner API's operations, generated from `openapi.yaml`. Each decodes its input, runs one
/// engine command or query and returns the contract's schema; refusals are thrown and become
/// problem+json in `APIProblemMiddleware`.
struct PartnerAPI: APIProtocol {
    let store: Store
    let analytics: AnalyticsStore
    let clock: AppClock

    /// The engine on the pool: each command is its own transaction.
    var loyalty: LoyaltyStore { store.pool.loyalty }

    var apiKey: APIKey {
        get throws {
            guard let key = APIRequestScope.apiKey else { throw Problem.unauthorized }
            return key
        }
    }

    /// The key as the engine's actor: confined to its location unless chain-wide.
    var actor: Actor {
        get throws { .apiKey(id: String(try apiKey.id), locationID: try apiKey.reach) }
    }

    // MARK: Customers

    func registerCustomer(_ input: Operations.RegisterCustomer.Input) async throws -> Operations.RegisterCustomer.Output {
        guard case .json(let body) = input.body else { throw Problem.invalid("body", "must be JSON") }
        guard let phone = PhoneNumber(normalizing: body.phone) else { throw Problem.invalid("phone", "not a phone number") }
        let firstName = body.firstName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !firstName.isEmpty else { throw Problem.invalid("first_name", "must not be blank") }
        var birthDate: CalendarDate?
        if let text = body.birthDate {
            guard let date = CalendarDate(isoDate: text) else { throw Problem.invalid("birth_date", "must be a date YYYY-MM-DD") }
            birthDate = date
        }
        let now = clock.now
        if let birthDate {
            let settings = try await loyalty.settings()
            let today = CalendarDate(now, in: TimeZone(identifier: settings.timeZone) ?? .current)
            guard BirthdayCycle.isPlausible(birthDate, today: today) else {
                throw Problem.invalid("birth_date", "is not a plausible birth date")
            }
        }
        let customer = try await loyalty.registerCustomer(
            .init(
                telegramID: body.telegramId, phone: phone, firstName: firstName, lastName: body.lastName, birthDate: birthDate,
                language: body.language.flatMap { Language(rawValue: $0.rawValue) } ?? .ru),
            at: now
        )
        return .created(.init(body: .json(.init(customer, rules: try await loyalty.settings().rules))))
    }

    func getCustomer(_ input: Operations.GetCustomer.Input) async throws -> Operations.GetCustomer.Output {
        let customer = try await customer(telegramID: input.path.telegramId)
        return .ok(.init(body: .json(.init(customer, rules: try await loyalty.settings().rules))))
    }

    func findCustomerByPhone(_ input: Operations.FindCustomerByPhone.Input) async throws -> Operations.FindCustomerByPhone.Output {
        guard let phone = PhoneNumber(normalizing: input.query.phone) else { throw Problem.invalid("phone", "not a phone number") }
        let found = try await loyalty.customer(phone: phone)
        guard let found else { throw LoyaltyError.customerNotFound }
        return .ok(.init(body: .json(.init(found, rules: try await loyalty.settings().rules))))
    }

    func issueCode(_ input: Operations.IssueCode.Input) async throws -> Operations.IssueCode.Output {
        let customer = try await customer(telegramID: input.path.telegramId)
        // A new code voids the guest's own: a location's key does that only for its own guests.
        if let reach = try apiKey.reach, try await !loyalty.isGuest(customer.id, of: reach) {
            throw LoyaltyError.customerNotFound
        }
        let issued = try await loyalty.issueCode(customerID: customer.id, at: clock.now)
        return .created(.init(body: .json(.init(code: issued.code.digits, expiresAt: issued.expiresAt))))
    }

    // MARK: Orders

    func quoteOrder(_ input: Operations.QuoteOrder.Input) async throws -> Operations.QuoteOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.invalid("body", "must be JSON") }
        let request = try saleRequest(body, idempotencyKey: "quote")
        let quote: SaleQuote
        switch request.guest {
        case .code(let code):
            quote = try await throttlingWrongCodes {
                try await loyalty.quote(
                    code: code, amount: request.amount, redeem: request.redeem, locationID: try apiKey.locationID, at: clock.now)
            }
        case .customer(let id):
            quote = try await computeQuote(request, for: try await loyalty.customer(id: id))
        case .telegram(let telegramID):
            quote = try await computeQuote(request, for: try await loyalty.customer(telegramID: telegramID))
        }
        return .ok(.init(body: .json(.init(quote))))
    }

    func createOrder(_ input: Operations.CreateOrder.Input) async throws -> Operations.CreateOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.invalid("body", "must be JSON") }
        let key = try apiKey
        let request = try saleRequest(body, idempotencyKey: "api:\(key.id):\(input.headers.idempotencyKey)")
        let confirm = { try await loyalty.confirmSale(request, by: try actor, locationID: key.locationID, at: clock.now) }
        let sale: ConfirmedSale
        if case .code = request.guest {
            sale = try await throttlingWrongCodes(confirm)
        } else {
            // Only a payment code can be guessed wrong: a sale naming the guest by id skips the counter's round trips.
            sale = try await confirm()
        }
        return .created(.init(headers: .init(idempotentReplayed: sale.isReplay ? "true" : nil), body: .json(.init(sale, cancelled: false))))
    }

    func getOrder(_ input: Operations.GetOrder.Input) async throws -> Operations.GetOrder.Output {
        // Another location's order does not exist for a key confined to its own.
        guard let record = try await loyalty.order(id: input.path.orderId), try apiKey.reach.map({ $0 == record.locationID }) ?? true
        else { throw LoyaltyError.orderNotFound }
        return .ok(.init(body: .json(.init(record.sale, cancelled: record.cancelled, refunded: record.refunded))))
    }

    func cancelOrder(_ input: Operations.CancelOrder.Input) async throws -> Operations.CancelOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.invalid("body", "must be JSON") }
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw Problem.invalid("reason", "must not be blank") }
        let cancelled: CancelledSale
        do {
            cancelled = try await loyalty.cancelSale(orderID: input.path.orderId, by: try actor, reason: reason, at: clock.now)
        } catch LoyaltyError.notYourLocation {
            throw LoyaltyError.orderNotFound
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        orderId: cancelled.orderID, pointsRestored: cancelled.reversal.pointsRestored,
                        pointsTakenBack: cancelled.reversal.pointsTakenBack,
                        debtAdded: cancelled.reversal.debtAdded, balanceAfter: cancelled.balanceAfter, pointsDebtAfter: cancelled.debtAfter,
                        tierAfter: .init(cancelled.tierAfter)
                    ))))
    }

    func refundOrder(_ input: Operations.RefundOrder.Input) async throws -> Operations.RefundOrder.Output {
        guard case .json(let body) = input.body else { throw Problem.invalid("body", "must be JSON") }
        guard (1...1_000_000_000).contains(body.amountKopecks) else {
            throw Problem.invalid("amount_kopecks", "must be between 1 and 1000000000")
        }
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw Problem.invalid("reason", "must not be blank") }
        let key = try apiKey
        let request = RefundRequest(
            orderID: input.path.orderId, amount: Money(kopecks: body.amountKopecks), reason: reason,
            idempotencyKey: "api:\(key.id):\(input.headers.idempotencyKey)")
        let refunded: RefundedSale
        do {
            refunded = try await loyalty.refundSale(request, by: try actor, at: clock.now)
        } catch LoyaltyError.notYourLocation {
            throw LoyaltyError.orderNotFound
        }
        return .created(
            .init(
                body: .json(
                    .init(
                        id: refunded.refundID, orderId: refunded.orderID, amountKopecks: refunded.amount.kopecks,
                        refundedTotalKopecks: refunded.refundedTotal.kopecks, pointsRestored: refunded.reversal.pointsRestored,
                        pointsTakenBack: refunded.reversal.pointsTakenBack, debtAdded: refunded.reversal.debtAdded,
                        balanceAfter: refunded.balanceAfter, pointsDebtAfter: refunded.debtAfter, tierAfter: .init(refunded.tierAfter)
                    ))))
    }

    func listCustomerOrders(_ input: Operations.ListCustomerOrders.Input) async throws -> Operations.ListCustomerOrders.Output {
        let customer = try await customer(telegramID: input.path.telegramId)
        let limit = input.query.limit ?? 20
        guard (1...100).contains(limit) else { throw Problem.invalid("limit", "must be between 1 and 100") }
        let records = try await loyalty.orders(customerID: customer.id, before: input.query.before, limit: limit)
        let next = records.count == limit ? records.last?.sale.orderID : nil
        return .ok(
            .init(
                body: .json(.init(items: records.map { .init($0.sale, cancelled: $0.cancelled, refunded: $0.refunded) }, nextBefore: next)))
        )
    }

    // MARK: Feedback

    func createReview(_ input: Operations.CreateReview.Input) async throws -> Operations.CreateReview.Output {
        guard case .json(let body) = input.body else { throw Problem.invalid("body", "must be JSON") }
        guard (1...10).contains(body.rating) else { throw Problem.invalid("rating", "must be between 1 and 10") }
        let customer = try await customer(telegramID: body.telegramId)
        let now = clock.now
        let id = try await store.transaction(logger: APIRequestScope.logger) { tx in
            let settings = try await tx.settings()
            let outcome = try await tx.feedback.submitReview(
                customerID: customer.id, orderID: body.orderId, rating: body.rating, alertThreshold: settings.reviewAlertThreshold,
                channel: .api, at: now
            )
            switch outcome {
            case .recorded(let id):
                if let text = body.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                    _ = try await tx.feedback.addReviewComment(
                        feedbackID: id, customerID: customer.id, text: text, alertThreshold: settings.reviewAlertThreshold, at: now
                    )
                }
                return id
            case .alreadyReviewed:
                throw Problem(status: .conflict, code: "already_reviewed", title: "Conflict", detail: "This order already has a review.")
            case .orderNotFound:
                throw LoyaltyError.orderNotFound
            }
        }
        return .created(.init(body: .json(.init(id: id, kind: .review, status: .new))))
    }

    func createIdea(_ input: Operations.CreateIdea.Input) async throws -> Operations.CreateIdea.Output {
        guard case .json(let body) = input.body else { throw Problem.invalid("body", "must be JSON") }
        let text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw Problem.invalid("text", "must not be blank") }
        let customer = try await customer(telegramID: body.telegramId)
        let now = clock.now
        let id = try await store.pool.feedback.submitNote(.idea, customerID: customer.id, text: text, channel: .api, at: now)
        return .created(.init(body: .json(.init(id: id, kind: .idea, status: .new))))
    }

    // MARK: Webhooks

    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let endpoints = try await store.webhooks.list()
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: endpoints.map {
                            .init(
                                id: $0.id, url: $0.url, events: $0.events, description: $0.description, active: $0.active,
                                disabledReason: $0.disabledReason, createdAt: $0.createdAt)
                        }))))
    }

    func listCampaigns(_ input: Operations.ListCampaigns.Input) async throws -> Operations.ListCampaigns.Output {
        .ok(.init(body: .json(.init(items: try await store.campaigns.list().map(Components.Schemas.Campaign.init)))))
    }

    // MARK: Gifts

    func getGiftCatalog(_ input: Operations.GetGiftCatalog.Input) async throws -> Operations.GetGiftCatalog.Output {
        let items = try await loyalty.giftCatalog().filter(\.active)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: items.map {
                            .init(id: $0.id, slug: $0.slug, name: $0.name.russian, nameEn: $0.name.english, validDays: $0.validDays)
                        }))))
    }

    func issueGift(_ input: Operations.IssueGift.Input) async throws -> Operations.IssueGift.Output {
        guard case .json(let body) = input.body else { throw Problem.invalid("body", "must be JSON") }
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw Problem.invalid("reason", "must not be blank") }
        let customer = try await customer(telegramID: body.telegramId)
        let gift = try await loyalty.issueGift(
            customerID: customer.id, catalogID: body.catalogId, reason: reason, by: try actor, at: clock.now)
        return .created(.init(body: .json(.init(gift))))
    }

    func redeemGift(_ input: Operations.RedeemGift.Input) async throws -> Operations.RedeemGift.Output {
        let key = try apiKey
        guard let held = try await loyalty.giftOwner(giftID: input.path.giftId) else { throw LoyaltyError.giftNotFound }
        let owner = held.customerID
        // A location's key reaches gifts it gave and gifts of guests who bought at its location.
        let gaveIt = held.givenBy.kind == .apiKey && held.givenBy.id == String(key.id)
        if let reach = key.reach, !gaveIt, try await !loyalty.isGuest(owner, of: reach) {
            throw LoyaltyError.giftNotFound
        }
        if !key.scopes.contains(APIKey.redeemWithoutCode) {
            // The guest is at the till: they show their code, and it must be theirs.
            guard case .json(let body) = input.body, let given = body.code else { throw Problem.codeRequired }
            guard let code = PaymentCode(typed: given) else { throw Problem.invalid("code", "must be 6 digits") }
            let card = try await throttlingWrongCodes { try await loyalty.lookUp(code: code, at: clock.now) }
            guard card.customerID == owner else { throw LoyaltyError.giftNotFound }
        }
        let gift = try await loyalty.redeemGift(giftID: input.path.giftId, by: try actor, at: clock.now)
        return .ok(.init(body: .json(.init(gift))))
    }

    func listCustomerGifts(_ input: Operations.ListCustomerGifts.Input) async throws -> Operations.ListCustomerGifts.Output {
        let customer = try await customer(telegramID: input.path.telegramId)
        let gifts = try await loyalty.activeGifts(customerID: customer.id, at: clock.now)
        return .ok(.init(body: .json(.init(items: gifts.map(Components.Schemas.Gift.init)))))
    }

    // MARK: Analytics

    func getAnalyticsSummary(_ input: Operations.GetAnalyticsSummary.Input) async throws -> Operations.GetAnalyticsSummary.Output {
        let settings = try await loyalty.settings()
        let zone = TimeZone(identifier: settings.timeZone) ?? .current
        let today = CalendarDate(clock.now, in: zone)
        let to = try input.query.to.map { try Self.day($0, field: "to") } ?? today
        let from = try input.query.from.map { try Self.day($0, field: "from") } ?? today.adding(days: -29)
        guard from <= to else { throw Problem.invalid("from", "must not be after to") }
        guard to.daysSince(from) <= 3660 else { throw Problem.invalid("from", "the period is limited to ten years") }
        // Kept five minutes and shared by every instance: a long period is not scanned per request.
        let summary = try await AnalyticsCache(analytics: analytics).summary(
            from: from.start(in: zone), to: to.adding(days: 1).start(in: zone), at: clock.now, maxAge: 300)
        let tiers = summary.tierDistribution
        return .ok(
            .init(
                body: .json(
                    .init(
                        from: from.description, to: to.description, newCustomers: summary.newCustomers,
                        activeCustomers: summary.activeCustomers,
                        orders: summary.orders, revenueKopecks: summary.revenue.kopecks, averageCheckKopecks: summary.averageCheck.kopecks,
                        pointsIssued: summary.pointsIssued, pointsRedeemed: summary.pointsRedeemed,
                        pointsLiability: summary.pointsLiability,
                        averageRating: summary.averageRating,
                        tierDistribution: .init(
                            standard: tiers[.standard] ?? 0, silver: tiers[.silver] ?? 0, gold: tiers[.gold] ?? 0,
                            platinum: tiers[.platinum] ?? 0)
                    ))))
    }

    // MARK: Helpers

    private func computeQuote(_ request: SaleRequest, for customer: Customer?) async throws -> SaleQuote {
        guard let customer else { throw LoyaltyError.customerNotFound }
        let settings = try await loyalty.settings()
        return try SaleQuote.compute(
            amount: request.amount, redeem: request.redeem, account: customer.account, rules: settings.rules,
            campaigns: try await loyalty.runningCampaigns(),
            at: SaleMoment(clock.now, in: settings.cafeTimeZone, locationID: try apiKey.locationID))
    }

    private func customer(telegramID: Int64) async throws -> Customer {
        guard let customer = try await loyalty.customer(telegramID: telegramID) else { throw LoyaltyError.customerNotFound }
        return customer
    }

    /// The guest is named by exactly one of `code` and `telegram_id`.
    private func saleRequest(_ body: Components.Schemas.OrderRequest, idempotencyKey: String) throws -> SaleRequest {
        let guest: GuestReference
        switch (body.code, body.telegramId) {
        case (let code?, nil):
            guard let parsed = PaymentCode(typed: code) else { throw Problem.invalid("code", "must be 6 digits") }
            guest = .code(parsed)
        case (nil, let telegramID?):
            // Without the guest's code a sale only earns, unless the key may spend without one.
            let spends = (try body.redeemRequest()) != RedeemRequest.none || !(body.giftIds ?? []).isEmpty
            if spends, !(try apiKey.scopes.contains(APIKey.redeemWithoutCode)) { throw Problem.codeRequired }
            guest = .telegram(telegramID)
        default:
            throw Problem.invalid("code", "give exactly one of code and telegram_id")
        }
        return SaleRequest(
            idempotencyKey: idempotencyKey, guest: guest, amount: body.moneyAmount, redeem: try body.redeemRequest(),
            giftIDs: body.giftIds ?? []
        )
    }

    static func day(_ text: String, field: String) throws -> CalendarDate {
        guard let date = CalendarDate(isoDate: text) else { throw Problem.invalid(field, "must be a date YYYY-MM-DD") }
        return date
    }

    /// Runs a command that names the guest by code; wrong and expired codes count against the
    /// key's wrong-code allowance (the staff bot's setting), and past it the key waits.
    private func throttlingWrongCodes<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        let key = try apiKey
        let perMinute = try await loyalty.settings().wrongCodeLimitPerMinute
        let limits = [RateLimiter.Limit(key: "wrong_code:api:\(key.id)", maximum: perMinute, window: 60)]
        let limiter = store.pool.rateLimits
        if let wait = try await limiter.retryAfter(limits, at: clock.now) { throw Problem.rateLimited(retryAfter: Int(wait)) }
        do {
            return try await body()
        } catch let error as LoyaltyError where error == .codeNotFound || error == .codeExpired {
            try await limiter.record(limits, at: clock.now)
            throw error
        }
    }
}
