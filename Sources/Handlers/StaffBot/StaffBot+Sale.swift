import Domain
import Foundation
import Runtime
import Store

/// The sale at the till: code → guest card and amount → points and gifts → quote → confirm.
/// With no points to spend the barista goes from the amount straight to the quote.
extension StaffBot {
    func startSale(code text: String, turn: StaffTurn) async throws -> BotReply {
        guard let code = PaymentCode(typed: text) else { return turn.reply(turn.say(turn.texts.askCode)) }
        switch try await turn.till.openSale(code: code) {
        case .failure(.ownAccount): return turn.reply(turn.say(turn.texts.notForYourself, turn.menu))
        case .failure(let refusal): return turn.reply(turn.say(turn.texts.tillRefusal(refusal)))
        case .success(let card): return try await openSale(code: code, card: card, turn: turn)
        }
    }

    /// A live guest's code typed while the chat waits for something else (an amount, points, a
    /// reason, a message) starts a sale for that guest: at rush hour the next guest is already at
    /// the till. What is not a live code stays the step's input, so an amount is never taken for
    /// a code; a miss still counts against the wrong-code throttle, so the question cannot be
    /// used to try codes, and a throttled barista's digits go to the step.
    func interrupt(_ step: StaffConversation, withCode code: PaymentCode, turn: StaffTurn) async throws -> BotReply? {
        let settings = try await turn.tx.settings()
        let limits = turn.till.wrongCodeLimits(perMinute: settings.wrongCodeLimitPerMinute)
        guard try await turn.tx.rateLimits.retryAfter(limits, at: turn.now) == nil else { return nil }
        let (card, held): (CustomerCard, Bool)
        do {
            (card, held) = try await turn.tx.loyalty.lookUpAndHold(code: code, for: turn.member.id, at: turn.now)
        } catch let error as LoyaltyError where error == .codeNotFound || error == .codeExpired {
            try await turn.tx.rateLimits.record(limits, at: turn.now)
            return nil
        } catch let error as LoyaltyError where error == .codeInUse {
            return turn.reply(turn.say(turn.texts.error(error)))
        }
        // The step ends here. Its drafted sale lets go of its code now (unless it is this very
        // code, just held again); the chat's row is replaced by the new sale's draft, or cleared
        // when the new sale cannot go ahead.
        if let previous = step.saleDraft, previous.code != code {
            try await turn.till.release(previous.code)
        }
        guard held else {
            try await turn.conversations.clear(chatID: turn.chatID)
            return turn.reply(turn.say(turn.texts.error(.codeInUse), turn.menu))
        }
        if turn.till.isOwnAccount(card) {
            try await turn.till.release(code)
            try await turn.conversations.clear(chatID: turn.chatID)
            return turn.reply(turn.say(turn.texts.notForYourself, turn.menu))
        }
        let notice = step.saleDraft == nil ? turn.texts.previousActionDropped : turn.texts.previousSaleDropped
        return try await openSale(code: code, card: card, notice: notice, turn: turn)
    }

    /// The guest's card and the question for the amount; the chat now drafts this sale.
    func openSale(code: PaymentCode, card: CustomerCard, notice: String? = nil, turn: StaffTurn) async throws -> BotReply {
        let view = try await turn.till.cardView(of: card, language: turn.texts.language)
        try await turn.conversations.set(.saleAmount(SaleDraft(code: code)), chatID: turn.chatID, at: turn.now)
        let text = [notice, turn.texts.card(view), turn.texts.askAmount].compactMap { $0 }.joined(separator: "\n\n")
        return turn.reply(turn.say(text, turn.inline([[(turn.texts.cancelButton, .abandon)]])))
    }

    func takeAmount(_ text: String, draft: SaleDraft, turn: StaffTurn) async throws -> BotReply {
        var draft = draft
        guard let amount = Money(parsing: text) else { return turn.reply(turn.say(turn.texts.amountUnreadable)) }
        do {
            // Validates the amount and finds how many points could be spent on it.
            let (card, most) = try await turn.tx.loyalty.quotedCard(
                code: draft.code, by: turn.member.id, amount: amount, redeem: .maximum, locationID: turn.member.locationID, at: turn.now)
            draft.amount = amount
            let gifts = card.activeGifts
            if most.pointsRedeemed == 0 && gifts.isEmpty {
                // Nothing to spend: the quote for the most points is the quote for none, and the
                // card and gifts were just read, so the sale's busiest step asks nothing twice.
                draft.redeem = RedeemRequest.none
                return turn.reply(try await showQuote(most, of: draft, gifts: gifts, turn: turn, replacing: nil))
            }
            try await turn.conversations.set(.saleRedeem(draft), chatID: turn.chatID, at: turn.now)
            return turn.reply(redeemChoice(draft, maximum: most.pointsRedeemed, gifts: gifts, turn: turn, replacing: nil))
        } catch let error as LoyaltyError {
            return try await refuse(error, turn: turn, keepingStep: error == .invalidAmount || isAmountTooLarge(error))
        }
    }

    func takePoints(_ text: String, draft: SaleDraft, turn: StaffTurn) async throws -> BotReply {
        var draft = draft
        guard let points = Int(text.trimmingCharacters(in: .whitespaces)), (0...10_000_000).contains(points) else {
            return turn.reply(turn.say(turn.texts.pointsUnreadable))
        }
        draft.redeem = points == 0 ? RedeemRequest.none : .points(points)
        do {
            return turn.reply(try await presentQuote(draft, turn: turn, replacing: nil))
        } catch let error as LoyaltyError {
            let staysOnPoints = {
                if case .redeemAboveCap = error { return true }
                if case .insufficientPoints = error { return true }
                return false
            }()
            return try await refuse(error, turn: turn, keepingStep: staysOnPoints)
        }
    }

    func redeemChoice(_ draft: SaleDraft, maximum: Int, gifts: [CustomerGift], turn: StaffTurn, replacing messageID: Int64?) -> BotCall {
        var rows: [[(String, StaffCallback)]] = []
        if maximum > 0 {
            rows.append([
                (turn.texts.noPointsButton, .redeemNone), (turn.texts.maxPointsButton(maximum), .redeemMaximum),
                (turn.texts.enterPointsButton, .redeemEnter),
            ])
        } else {
            rows.append([(turn.texts.noPointsButton, .redeemNone)])
        }
        for gift in gifts {
            rows.append([
                (turn.texts.giftToggle(gift.name[turn.texts.language], selected: draft.giftIDs.contains(gift.id)), .toggleGift(gift.id))
            ])
        }
        rows.append([(turn.texts.cancelButton, .abandon)])
        return turn.show(turn.texts.askRedeem(amount: draft.amount ?? .zero, maximum: maximum), turn.inline(rows), replacing: messageID)
    }

    /// Computes the quote and shows it with Confirm; a fresh nonce ties the button to this draft.
    func presentQuote(_ draft: SaleDraft, turn: StaffTurn, replacing messageID: Int64?) async throws -> BotCall {
        guard let amount = draft.amount, let redeem = draft.redeem else { throw LoyaltyError.invalidAmount }
        let (card, quote) = try await turn.tx.loyalty.quotedCard(
            code: draft.code, by: turn.member.id, amount: amount, redeem: redeem, locationID: turn.member.locationID, at: turn.now)
        return try await showQuote(quote, of: draft, gifts: card.activeGifts, turn: turn, replacing: messageID)
    }

    /// Shows `quote` with Confirm; the chat now waits for that button.
    func showQuote(
        _ quote: SaleQuote, of draft: SaleDraft, gifts: [CustomerGift], turn: StaffTurn, replacing messageID: Int64?
    ) async throws -> BotCall {
        let confirmNonce = nonce()
        try await turn.conversations.set(.saleQuote(draft, nonce: confirmNonce), chatID: turn.chatID, at: turn.now)
        let names = gifts.filter { draft.giftIDs.contains($0.id) }.map { $0.name[turn.texts.language] }
        let buttons = turn.inline([[(turn.texts.confirmButton, .confirmSale(nonce: confirmNonce)), (turn.texts.cancelButton, .abandon)]])
        return turn.show(turn.texts.quote(quote, gifts: names), buttons, replacing: messageID)
    }

    func chooseRedeem(_ redeem: RedeemRequest?, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard case .saleRedeem(var draft) = try await turn.conversations.current(chatID: turn.chatID, at: turn.now) else {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale))
        }
        guard let redeem else {
            try await turn.conversations.set(.salePoints(draft), chatID: turn.chatID, at: turn.now)
            return turn.reply(
                .answerCallbackQuery(id: callback.id), turn.show(turn.texts.askPoints, replacing: callback.message?.messageID))
        }
        draft.redeem = redeem
        do {
            let shown = try await presentQuote(draft, turn: turn, replacing: callback.message?.messageID)
            return turn.reply(.answerCallbackQuery(id: callback.id), shown)
        } catch let error as LoyaltyError {
            try await drop(.saleRedeem(draft), turn: turn)
            return turn.reply(
                .answerCallbackQuery(id: callback.id, text: turn.texts.error(error)), turn.say(turn.texts.error(error), turn.menu))
        }
    }

    func toggleGift(_ giftID: Int64, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard case .saleRedeem(var draft) = try await turn.conversations.current(chatID: turn.chatID, at: turn.now),
            let amount = draft.amount
        else { return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale)) }
        let gifts = try await turn.tx.loyalty.lookUp(code: draft.code, by: turn.member.id, at: turn.now).activeGifts
        guard gifts.contains(where: { $0.id == giftID }) else {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale))
        }
        if let index = draft.giftIDs.firstIndex(of: giftID) { draft.giftIDs.remove(at: index) } else { draft.giftIDs.append(giftID) }
        try await turn.conversations.set(.saleRedeem(draft), chatID: turn.chatID, at: turn.now)
        let most = try await turn.tx.loyalty.quote(
            code: draft.code, by: turn.member.id, amount: amount, redeem: .maximum, locationID: turn.member.locationID, at: turn.now)
        return turn.reply(
            .answerCallbackQuery(id: callback.id),
            redeemChoice(draft, maximum: most.pointsRedeemed, gifts: gifts, turn: turn, replacing: callback.message?.messageID)
        )
    }

    /// Confirms the drafted sale. The key comes from the button's nonce, so a double tap, a
    /// redelivered callback or a second instance all get the same single order
    /// (`SaleDraft.request(staffID:nonce:)` tells how).
    func confirm(nonce: String, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        let draft: SaleDraft
        switch try await turn.conversations.current(chatID: turn.chatID, at: turn.now) {
        case .saleQuote(let drafted, let shown) where shown == nonce: draft = drafted
        case .saleDone(let drafted, let shown, _) where shown == nonce: draft = drafted
        default: return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale))
        }
        guard let request = draft.request(staffID: turn.member.id, nonce: nonce) else {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale))
        }
        do {
            let sale = try await turn.till.confirm(request)
            try await turn.conversations.set(.saleDone(draft, nonce: nonce, orderID: sale.orderID), chatID: turn.chatID, at: turn.now)
            let cancel = turn.inline([[(turn.texts.cancelThisSaleButton, .cancelSale(order: sale.orderID))]])
            return turn.reply(
                .answerCallbackQuery(id: callback.id, text: turn.texts.done),
                turn.show(
                    turn.texts.saleDone(order: sale.orderID, paid: sale.quote.amountToPay), cancel, replacing: callback.message?.messageID)
            )
        } catch let error as LoyaltyError {
            try await drop(.saleQuote(draft, nonce: nonce), turn: turn)
            return turn.reply(
                .answerCallbackQuery(id: callback.id, text: turn.texts.error(error)),
                turn.show(turn.texts.error(error), replacing: callback.message?.messageID)
            )
        }
    }

    func abandon(turn: StaffTurn, messageID: Int64?, callbackID: String? = nil) async throws -> BotReply {
        let step = try await turn.conversations.current(chatID: turn.chatID, at: turn.now)
        try await drop(step, turn: turn)
        let text: String
        switch step {
        case .some(let step) where step.isBroadcast: text = turn.texts.broadcastCancelled
        case .cancelPick, .cancelReason: text = turn.texts.nothingCancelled
        default: text = turn.texts.saleAbandoned
        }
        guard let callbackID else { return turn.reply(turn.say(text, turn.menu)) }
        return turn.reply(.answerCallbackQuery(id: callbackID), turn.show(text, replacing: messageID))
    }

    /// Ends whatever the chat was doing; a drafted sale lets go of the guest's code.
    func drop(_ step: StaffConversation?, turn: StaffTurn) async throws {
        try await turn.conversations.clear(chatID: turn.chatID)
        if let draft = step?.saleDraft {
            try await turn.till.release(draft.code)
        }
    }

    /// A refused step: the barista may retry the same input, or starts over.
    func refuse(_ error: LoyaltyError, turn: StaffTurn, keepingStep: Bool) async throws -> BotReply {
        if !keepingStep { try await drop(try await turn.conversations.current(chatID: turn.chatID, at: turn.now), turn: turn) }
        return turn.reply(turn.say(turn.texts.error(error), keepingStep ? nil : turn.menu))
    }

    private func isAmountTooLarge(_ error: LoyaltyError) -> Bool {
        if case .amountTooLarge = error { return true }
        return false
    }
}
