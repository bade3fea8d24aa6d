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
        let view = try await cardView(customerID: customer.id, name: customer.firstName, account: customer.account, turn: turn)
        let catalog = try await loyalty.giftCatalog(on: turn.connection).filter(\.active)
        var rows: [[(String, StaffCallback)]] = catalog.map { [(turn.texts.issueGiftButton($0.name), .issueGift(catalogID: $0.id))] }
        rows += view.gifts.map { [(turn.texts.redeemGiftButton($0.name, until: $0.until), .redeemGift($0.id))] }
        rows.append([(turn.texts.cancelButton, .abandon)])
        try await turn.conversations.set(
            Conversation(state: StaffStep.giftCard.rawValue, data: ["customer": String(customer.id)]), chatID: turn.chatID, at: turn.now
        )
        return turn.reply(turn.say(turn.texts.card(view) + "\n\n" + turn.texts.pickGiftAction, turn.inline(rows)))
    }

    func askGiftReason(catalogID: Int64, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard let step = try await turn.conversations.current(chatID: turn.chatID, at: turn.now),
              step.state == StaffStep.giftCard.rawValue, let customer = step.data["customer"]
        else { return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale)) }
        try await turn.conversations.set(
            Conversation(state: StaffStep.giftReason.rawValue, data: ["customer": customer, "catalog": String(catalogID)]),
            chatID: turn.chatID, at: turn.now
        )
        return turn.reply(.answerCallbackQuery(id: callback.id), turn.show(turn.texts.askGiftReason, replacing: callback.message?.messageID))
    }

    func issueGift(reason: String, step: Conversation, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.clear(chatID: turn.chatID)
        guard let customerID = step.data["customer"].flatMap(Int64.init), let catalogID = step.data["catalog"].flatMap(Int64.init) else {
            return turn.reply(turn.say(turn.texts.stale, turn.menu))
        }
        do {
            let gift = try await loyalty.issueGift(
                customerID: customerID, catalogID: catalogID, reason: reason, by: turn.member.actor, at: turn.now, on: turn.connection
            )
            let cafe = try await cafeTime(turn)
            return turn.reply(turn.say(turn.texts.giftIssued(gift.name, until: cafe.day(gift.expiresAt)), turn.menu))
        } catch let error as LoyaltyError {
            return turn.reply(turn.say(turn.texts.error(error), turn.menu))
        }
    }

    func redeemGift(_ giftID: Int64, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard let step = try await turn.conversations.current(chatID: turn.chatID, at: turn.now),
              step.state == StaffStep.giftCard.rawValue, let customerID = step.data["customer"].flatMap(Int64.init),
              try await loyalty.activeGifts(customerID: customerID, at: turn.now, on: turn.connection).contains(where: { $0.id == giftID })
        else { return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale)) }
        try await turn.conversations.clear(chatID: turn.chatID)
        do {
            let gift = try await loyalty.redeemGift(giftID: giftID, by: turn.member.actor, at: turn.now, on: turn.connection)
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.done), turn.show(turn.texts.giftRedeemed(gift.name), replacing: callback.message?.messageID))
        } catch let error as LoyaltyError {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.error(error)))
        }
    }

    func listCancellableSales(turn: StaffTurn) async throws -> BotReply {
        let settings = try await loyalty.settings(on: turn.connection)
        let cafe = CafeTime(identifier: settings.timeZone)
        let sales: [StaffSale]
        if turn.member.role == .manager {
            sales = try await reports.sales(.location(turn.member.locationID), since: cafe.startOfDay(turn.now), limit: 10, on: turn.connection)
        } else {
            let windowStart = turn.now.addingTimeInterval(-Double(settings.cancelWindowMinutes) * 60)
            sales = try await reports.sales(.staff(turn.member.id), since: windowStart, limit: 10, on: turn.connection)
        }
        let open = sales.filter { !$0.cancelled }
        guard !open.isEmpty else { return turn.reply(turn.say(turn.texts.nothingToCancel, turn.menu)) }
        let rows = open.map { sale in
            [("№\(sale.orderID) · \(cafe.time(sale.createdAt).prefix(5)) · \(sale.guestName) · \(sale.amount)", StaffCallback.cancelSale(order: sale.orderID))]
        }
        return turn.reply(turn.say(turn.texts.pickSaleToCancel, turn.inline(rows)))
    }

    func askCancelReason(order: Int64, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.set(
            Conversation(state: StaffStep.cancelReason.rawValue, data: ["order": String(order)]), chatID: turn.chatID, at: turn.now
        )
        return turn.reply(.answerCallbackQuery(id: callback.id), turn.say(turn.texts.askCancelReason(order: order), turn.inline([[(turn.texts.cancelButton, .abandon)]])))
    }

    func cancelSale(reason: String, step: Conversation, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.clear(chatID: turn.chatID)
        guard let orderID = step.data["order"].flatMap(Int64.init) else { return turn.reply(turn.say(turn.texts.stale, turn.menu)) }
        do {
            _ = try await loyalty.cancelSale(orderID: orderID, by: turn.member.actor, reason: reason, at: turn.now, on: turn.connection)
            return turn.reply(turn.say(turn.texts.cancelled(order: orderID), turn.menu))
        } catch let error as LoyaltyError {
            return turn.reply(turn.say(turn.texts.error(error), turn.menu))
        }
    }

    func showHistory(turn: StaffTurn) async throws -> BotReply {
        let cafe = try await cafeTime(turn)
        let isManager = turn.member.role == .manager
        let scope: StaffReports.Scope = isManager ? .location(turn.member.locationID) : .staff(turn.member.id)
        let sales = try await reports.sales(scope, since: cafe.startOfDay(turn.now), on: turn.connection)
        let text = turn.texts.history(sales, time: { String(cafe.time($0).prefix(5)) }, location: isManager)
        return turn.reply(turn.say(text, turn.menu))
    }
}
