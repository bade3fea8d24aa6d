import Foundation
import Logging
import Runtime
import Store

/// A bot's update handling: given one update and the transaction it runs in, make the changes
/// and say what to send. Both bots implement it; the webhook controller does the rest.
protocol TelegramBot: Sendable {
    var bot: OutboxStore.Bot { get }
    func handle(_ update: TelegramUpdate, in transaction: UpdateTransaction) async throws -> BotReply
    /// What `handle` reads first, fetched with the update's log row in one statement.
    func prefetch(for update: TelegramUpdate) -> UpdateLog.Prefetch
    /// What to say when handling failed unexpectedly; the change was rolled back.
    func apology(for update: TelegramUpdate) -> BotReply
}

/// The transaction an update is handled in (every store bound to it), with the time it arrived.
struct UpdateTransaction: Sendable {
    let tx: StoreTransaction
    let now: Date
    let logger: Logger
}

/// What a bot sends in answer to one update. The first call may travel back in the webhook
/// response; the others go through the outbox, written in the update's transaction.
struct BotReply: Sendable {
    var calls: [BotCall]
    /// The guest the calls address, so the outbox can skip them once they block the bot.
    var customerID: Int64?

    init(_ calls: [BotCall] = [], customerID: Int64? = nil) {
        self.calls = calls
        self.customerID = customerID
    }

    static let none = BotReply()
}

extension TelegramUpdate {
    /// The private chat this update came from, if any: the only chats the bots talk in.
    var privateChatID: Int64? {
        if let chat = message?.chat, chat.isPrivate { return chat.id }
        if let callback = callbackQuery { return callback.message?.chat.id ?? callback.from.id }
        return nil
    }

    var sender: TelegramUser? {
        message?.from ?? callbackQuery?.from ?? editedMessage?.from ?? myChatMember?.from
    }
}
