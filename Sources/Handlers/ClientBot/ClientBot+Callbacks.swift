import Domain
import Foundation
import Runtime
import Store

/// Inline button presses. Each is answered (`answerCallbackQuery`, in the webhook response) so
/// the guest's spinner stops; what changes on screen goes through the outbox.
extension ClientBot {
    func handle(_ callback: TelegramCallbackQuery, in transaction: UpdateTransaction) async throws -> BotReply {
        let chatID = callback.message?.chat.id ?? callback.from.id
        var turn = try await turn(for: callback.from, chatID: chatID, in: transaction)
        guard let customer = turn.customer, !customer.isBlocked,
            let action = callback.data.flatMap(ClientCallback.init(data:))
        else {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.staleButton))
        }
        let answer = BotCall.answerCallbackQuery(id: callback.id)

        switch action {
        case .newCode:
            return turn.reply(answer, try await freshCode(for: customer, turn: turn, replacing: callback.message?.messageID))

        case .reviewOrder(let order):
            return turn.reply(answer, turn.say(turn.texts.rateOrder(order), turn.texts.ratingKeyboard(order: order)))

        case .rate(let order, let rating):
            return try await rate(order: order, rating: rating, for: customer, callback: callback, turn: turn)

        case .skipBirthday:
            guard try await turn.conversations.current(chatID: chatID, at: turn.now) == .birthDate else {
                return staleAnswer(callback, turn: turn)
            }
            try await turn.conversations.clear(chatID: chatID)
            return turn.reply(answer, turn.say(turn.texts.birthdaySkipped, turn.texts.menu))

        case .skipComment:
            guard case .reviewComment = try await turn.conversations.current(chatID: chatID, at: turn.now) else {
                return staleAnswer(callback, turn: turn)
            }
            try await turn.conversations.clear(chatID: chatID)
            return turn.reply(answer, turn.say(turn.texts.commentSkipped, turn.texts.menu))

        case .cancelInput:
            try await turn.conversations.clear(chatID: chatID)
            return turn.reply(answer, turn.say(turn.texts.inputCancelled, turn.texts.menu))

        case .toggleLanguage:
            let language: Language = customer.language == .ru ? .en : .ru
            try await turn.tx.loyalty.setLanguage(language, customerID: customer.id, at: turn.now)
            turn.texts = clientTexts(language)
            // A new reply keyboard can only come with a new message, so the menu is sent again.
            return turn.reply(answer, turn.say(turn.texts.languageChanged, turn.texts.menu))

        case .promo(let on):
            try await turn.tx.loyalty.setPromoOptIn(on, customerID: customer.id, at: turn.now)
            var updated = customer
            updated.promoOptIn = on
            return turn.reply(
                .answerCallbackQuery(id: callback.id, text: turn.texts.promoChanged(optedIn: on)),
                settingsMessage(updated, replacing: callback.message?.messageID, turn: turn)
            )

        case .changeBirthday:
            guard customer.mayChangeBirthDate else {
                return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.birthdayAlreadyChanged))
            }
            try await turn.conversations.set(.birthDate, chatID: chatID, at: turn.now)
            return turn.reply(answer, turn.say(turn.texts.askBirthday, turn.texts.skipBirthdayKeyboard))
        }
    }

    private func staleAnswer(_ callback: TelegramCallbackQuery, turn: ClientTurn) -> BotReply {
        turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.staleButton))
    }

    private func settingsMessage(_ customer: Customer, replacing messageID: Int64?, turn: ClientTurn) -> BotCall {
        let text = settingsText(customer, turn: turn)
        let keyboard = settingsKeyboard(customer, turn: turn)
        guard let messageID else { return turn.say(text, keyboard) }
        return .editMessageText(chatID: turn.chatID, messageID: messageID, text: text, markup: keyboard)
    }
}
