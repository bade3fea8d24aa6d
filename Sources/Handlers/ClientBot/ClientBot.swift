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
    /// The loyalty card Mini App, offered under each payment code; nil when the server has no
    /// public HTTPS address (Telegram opens Mini Apps over HTTPS only).
    var cardAppURL: String? = nil
    /// The bot's @username, for guests' invite links (t.me/<username>?start=ref_…).
    var username: BotUsername? = nil

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

    /// Most updates read or end the chat's step; knowing it has none saves the delete.
    func prefetch(for update: TelegramUpdate) -> UpdateLog.Prefetch {
        UpdateLog.Prefetch(chatID: update.privateChatID, guestTelegramID: update.sender?.id, settings: true)
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
        let customer = try await transaction.tx.loyalty.customer(telegramID: user.id)
        if let customer, customer.isUnreachable {
            // Writing to the bot again means messages reach them again.
            try await transaction.tx.loyalty.markReachable(telegramID: user.id)
        }
        return ClientTurn(
            transaction: transaction, chatID: chatID, user: user, customer: customer,
            texts: clientTexts(customer?.language ?? Language(telegramLanguageCode: user.languageCode)),
            conversations: transaction.tx.conversations(.client, as: ClientConversation.self)
        )
    }

    private func handle(_ membership: TelegramChatMemberUpdated, in transaction: UpdateTransaction) async throws {
        switch membership.newChatMember.status {
        case "kicked", "left":
            try await transaction.tx.loyalty.markUnreachable(telegramID: membership.from.id, at: transaction.now)
        case "member":
            try await transaction.tx.loyalty.markReachable(telegramID: membership.from.id)
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
    let conversations: ConversationStore<ClientConversation>

    var now: Date { transaction.now }
    var tx: StoreTransaction { transaction.tx }

    func say(_ text: String, _ markup: ReplyMarkup? = nil) -> BotCall {
        .sendMessage(chatID: chatID, text: text, markup: markup)
    }

    func reply(_ calls: BotCall...) -> BotReply {
        BotReply(calls, customerID: customer?.id)
    }
}
