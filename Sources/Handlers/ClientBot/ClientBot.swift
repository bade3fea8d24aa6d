import Domain
import Foundation
import Runtime
import Store

/// The guests' bot: registration by their own phone contact, profile, payment code, history,
/// reviews, ideas, messages to management and settings, in Russian or English.
///
/// Stateless: who the guest is comes from `customers`, where they are in a flow from
/// `conversations`, both read inside the update's transaction.
struct ClientBot: TelegramBot {
    let bot = OutboxStore.Bot.client
    let loyalty: LoyaltyStore
    let feedback: FeedbackStore

    func handle(_ update: TelegramUpdate, in transaction: UpdateTransaction) async throws -> BotReply {
        if let message = update.message {
            return try await handle(message, in: transaction)
        }
        if let callback = update.callbackQuery {
            return try await handle(callback, in: transaction)
        }
        if let membership = update.myChatMember, membership.chat.isPrivate {
            try await handle(membership, in: transaction)
        }
        // Edited messages, channel posts and kinds the bot does not use are acknowledged quietly.
        return .none
    }

    func apology(for update: TelegramUpdate) -> BotReply {
        let texts = clientTexts(Language(telegramLanguageCode: update.sender?.languageCode))
        if let callback = update.callbackQuery {
            return BotReply([.answerCallbackQuery(id: callback.id, text: texts.apology)])
        }
        guard let chatID = update.privateChatID else { return .none }
        return BotReply([.sendMessage(chatID: chatID, text: texts.apology)])
    }

    /// Loads what every step needs: the guest (if registered), their language and the chat.
    func turn(for user: TelegramUser, chatID: Int64, in transaction: UpdateTransaction) async throws -> ClientTurn {
        let customer = try await loyalty.customer(telegramID: user.id, on: transaction.connection)
        if let customer, customer.isUnreachable {
            // Writing to the bot again means messages reach them again.
            try await loyalty.markReachable(telegramID: user.id, on: transaction.connection)
        }
        return ClientTurn(
            transaction: transaction, chatID: chatID, user: user, customer: customer,
            texts: clientTexts(customer?.language ?? Language(telegramLanguageCode: user.languageCode)),
            conversations: ConversationStore(bot: .client, connection: transaction.connection, logger: transaction.logger)
        )
    }

    private func handle(_ membership: TelegramChatMemberUpdated, in transaction: UpdateTransaction) async throws {
        switch membership.newChatMember.status {
        case "kicked", "left":
            try await loyalty.markUnreachable(telegramID: membership.from.id, at: transaction.now, on: transaction.connection)
        case "member":
            try await loyalty.markReachable(telegramID: membership.from.id, on: transaction.connection)
        default:
            break
        }
    }
}

/// One update's view of the guest: who they are, which catalogue speaks to them, and the chat.
struct ClientTurn {
    let transaction: UpdateTransaction
    let chatID: Int64
    let user: TelegramUser
    var customer: Customer?
    var texts: any ClientTexts
    let conversations: ConversationStore

    var now: Date { transaction.now }

    func say(_ text: String, _ markup: ReplyMarkup? = nil) -> BotCall {
        .sendMessage(chatID: chatID, text: text, markup: markup)
    }

    func reply(_ calls: BotCall...) -> BotReply {
        BotReply(calls, customerID: customer?.id)
    }
}
