import Domain
import Foundation
import Runtime
import Store

/// Gifts given and redeemed on their own, cancellations with a reason, and the day's history.
extension StaffBot {
    func showGiftCard(for text: String, turn: StaffTurn) async throws -> BotReply {
        let customer: Customer
        switch try await findGuest(text, turn: turn) {
        case .refused(let reason): return turn.reply(turn.say(reason))
        case .found(let found): customer = found
        }
        guard customer.telegramID != turn.chatID else { return turn.reply(turn.say(turn.texts.notForYourself, turn.menu)) }
        let view = try await cardView(customerID: customer.id, name: customer.firstName, account: customer.account, turn: turn)
        let catalog = try await turn.tx.loyalty.giftCatalog().filter(\.active)
        var rows: [[(String, StaffCallback)]] = catalog.map {
            [(turn.texts.issueGiftButton($0.name[turn.texts.language]), .issueGift(catalogID: $0.id))]
        }
        rows += view.gifts.map { [(turn.texts.redeemGiftButton($0.name, until: $0.until), .redeemGift($0.id))] }
        rows.append([(turn.texts.cancelButton, .abandon)])
        try await turn.conversations.set(.giftCard(customerID: customer.id), chatID: turn.chatID, at: turn.now)
        return turn.reply(turn.say(turn.texts.card(view) + "\n\n" + turn.texts.pickGiftAction, turn.inline(rows)))
    }

    func askGiftReason(catalogID: Int64, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard case .giftCard(let customerID) = try await turn.conversations.current(chatID: turn.chatID, at: turn.now) else {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale))
        }
        try await turn.conversations.set(.giftReason(customerID: customerID, catalogID: catalogID), chatID: turn.chatID, at: turn.now)
        return turn.reply(
            .answerCallbackQuery(id: callback.id), turn.show(turn.texts.askGiftReason, replacing: callback.message?.messageID))
    }

    func issueGift(reason: String, customerID: Int64, catalogID: Int64, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.clear(chatID: turn.chatID)
        if turn.member.role == .barista {
            let allowed = try await turn.tx.settings().baristaGiftsPerShift
            let given = try await turn.tx.staffReports.giftsGiven(by: turn.member.id, since: try await cafeTime(turn).startOfDay(turn.now))
            guard given < allowed else { return turn.reply(turn.say(turn.texts.giftLimitReached(allowed), turn.menu)) }
        }
        do {
            let gift = try await turn.tx.loyalty.issueGift(
                customerID: customerID, catalogID: catalogID, reason: reason, by: turn.member.actor, at: turn.now
            )
            let cafe = try await cafeTime(turn)
            return turn.reply(turn.say(turn.texts.giftIssued(gift.name[turn.texts.language], until: cafe.day(gift.expiresAt)), turn.menu))
        } catch let error as LoyaltyError {
            return turn.reply(turn.say(turn.texts.error(error), turn.menu))
        }
    }

    func redeemGift(_ giftID: Int64, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard case .giftCard(let customerID) = try await turn.conversations.current(chatID: turn.chatID, at: turn.now),
            try await turn.tx.loyalty.activeGifts(customerID: customerID, at: turn.now).contains(where: { $0.id == giftID })
        else { return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale)) }
        try await turn.conversations.clear(chatID: turn.chatID)
        do {
            let gift = try await turn.tx.loyalty.redeemGift(giftID: giftID, by: turn.member.actor, at: turn.now)
            return turn.reply(
                .answerCallbackQuery(id: callback.id, text: turn.texts.done),
                turn.show(turn.texts.giftRedeemed(gift.name[turn.texts.language]), replacing: callback.message?.messageID))
        } catch let error as LoyaltyError {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.error(error)))
        }
    }

    func listCancellableSales(turn: StaffTurn) async throws -> BotReply {
        let settings = try await turn.tx.settings()
        let cafe = CafeTime(identifier: settings.timeZone)
        let sales: [StaffSale]
        if turn.member.role == .manager {
            sales = try await turn.tx.staffReports.sales(.location(turn.member.locationID), since: cafe.startOfDay(turn.now), limit: 10)
        } else {
            let windowStart = turn.now.addingTimeInterval(-Double(settings.cancelWindowMinutes) * 60)
            sales = try await turn.tx.staffReports.sales(.staff(turn.member.id), since: windowStart, limit: 10)
        }
        let open = sales.filter { !$0.cancelled }
        let isManager = turn.member.role == .manager
        guard !open.isEmpty || isManager else { return turn.reply(turn.say(turn.texts.nothingToCancel, turn.menu)) }
        try await turn.conversations.set(.cancelPick, chatID: turn.chatID, at: turn.now)
        var rows = open.map { sale in
            [
                (
                    "№\(sale.orderID) · \(cafe.time(sale.createdAt).prefix(5)) · \(sale.guestName) · \(sale.amount)",
                    StaffCallback.cancelSale(order: sale.orderID)
                )
            ]
        }
        rows.append([(turn.texts.cancelButton, .abandon)])
        let text = open.isEmpty ? turn.texts.noSalesTodayTypeANumber : turn.texts.pickSaleToCancel
        return turn.reply(turn.say(text, turn.inline(rows)))
    }

    /// An order number typed at the list of sales to cancel: a manager finds any sale of their
    /// location, a barista one of their own; the policy still decides at the cancel itself.
    func findSaleToCancel(_ text: String, turn: StaffTurn) async throws -> BotReply {
        let digits = text.filter { $0 != "№" && $0 != "#" && !$0.isWhitespace }
        guard let orderID = Int64(digits), orderID > 0 else { return turn.reply(turn.say(turn.texts.askOrderNumber)) }
        let isManager = turn.member.role == .manager
        let scope: StaffReports.Scope = isManager ? .location(turn.member.locationID) : .staff(turn.member.id)
        guard let sale = try await turn.tx.staffReports.sale(orderID, in: scope) else {
            return turn.reply(turn.say(turn.texts.orderNotFound(orderID, location: isManager)))
        }
        guard !sale.cancelled else { return turn.reply(turn.say(turn.texts.error(.alreadyCancelled))) }
        let cafe = try await cafeTime(turn)
        try await turn.conversations.set(.cancelReason(orderID: orderID), chatID: turn.chatID, at: turn.now)
        let summary =
            "№\(sale.orderID) · \(cafe.day(sale.createdAt)) \(cafe.time(sale.createdAt).prefix(5)) · \(sale.guestName) · \(sale.amount)"
        return turn.reply(turn.say(summary + "\n" + turn.texts.askCancelReason(order: orderID), cancelOrRefundButtons(orderID, turn)))
    }

    func askCancelReason(order: Int64, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.set(.cancelReason(orderID: order), chatID: turn.chatID, at: turn.now)
        return turn.reply(
            .answerCallbackQuery(id: callback.id), turn.say(turn.texts.askCancelReason(order: order), cancelOrRefundButtons(order, turn)))
    }

    /// While a cancel waits for its reason, a manager may refund part of the order instead.
    private func cancelOrRefundButtons(_ order: Int64, _ turn: StaffTurn) -> ReplyMarkup {
        var row: [(String, StaffCallback)] = [(turn.texts.cancelButton, .abandon)]
        if turn.member.role == .manager { row.insert((turn.texts.refundButton, .refundSale(order: order)), at: 0) }
        return turn.inline([row])
    }

    func cancelSale(reason: String, orderID: Int64, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.clear(chatID: turn.chatID)
        do {
            _ = try await turn.till.cancel(orderID: orderID, reason: reason)
            return turn.reply(turn.say(turn.texts.cancelled(order: orderID), turn.menu))
        } catch let error as LoyaltyError {
            return turn.reply(turn.say(turn.texts.error(error), turn.menu))
        }
    }

    func showHistory(turn: StaffTurn) async throws -> BotReply {
        let cafe = try await cafeTime(turn)
        let isManager = turn.member.role == .manager
        let scope: StaffReports.Scope = isManager ? .location(turn.member.locationID) : .staff(turn.member.id)
        let since = cafe.startOfDay(turn.now)
        let reports = turn.tx.staffReports
        let sales = try await reports.sales(scope, since: since, limit: Self.historyLines)
        let totals = try await reports.totals(scope, since: since)
        let gifts = try await reports.giftEvents(scope, since: since, limit: Self.historyExtraLines)
        let cancellations = try await reports.cancellations(scope, since: since, limit: Self.historyExtraLines)
        let time = { (date: Date) in String(cafe.time(date).prefix(5)) }
        let text = [
            turn.texts.history(sales, totals: totals, time: time, location: isManager),
            turn.texts.giftHistory(gifts.events, given: gifts.given, redeemed: gifts.redeemed, time: time),
            turn.texts.cancellationHistory(cancellations.cancellations, count: cancellations.count, time: time),
        ].compactMap { $0 }.joined(separator: "\n\n")
        return turn.reply(turn.say(text, turn.menu))
    }

    /// The latest sales one history message lists; the totals cover the whole day.
    static let historyLines = 30
    /// The latest gifts and cancellations listed; their counts cover the whole day.
    static let historyExtraLines = 10
}
