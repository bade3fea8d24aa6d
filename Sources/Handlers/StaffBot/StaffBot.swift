import Domain
import Foundation
import Runtime
import Store

/// The staff bot's door: only Telegram accounts bound to an active staff member get past it.
/// Everyone else, including a deactivated member on their very next update, gets one polite
/// refusal and learns nothing else.
struct StaffBot: TelegramBot {
    let bot = OutboxStore.Bot.staff
    let staff: StaffStore

    func handle(_ update: TelegramUpdate, in transaction: UpdateTransaction) async throws -> BotReply {
        let chatID: Int64
        let user: TelegramUser
        if let message = update.message, let from = message.from, message.chat.isPrivate {
            (chatID, user) = (message.chat.id, from)
        } else if let callback = update.callbackQuery {
            (chatID, user) = (callback.message?.chat.id ?? callback.from.id, callback.from)
        } else {
            return .none
        }
        let member = try await staff.member(telegramID: user.id, on: transaction.connection)
        let texts = StaffTexts(language: member?.language ?? Language(telegramLanguageCode: user.languageCode))
        guard let member, member.active else {
            if let callback = update.callbackQuery {
                return BotReply([.answerCallbackQuery(id: callback.id, text: texts.refusal)])
            }
            return BotReply([.sendMessage(chatID: chatID, text: texts.refusal, markup: .removeKeyboard)])
        }
        if let callback = update.callbackQuery {
            return BotReply([.answerCallbackQuery(id: callback.id)])
        }
        return BotReply([.sendMessage(chatID: chatID, text: texts.greeting(name: member.displayName))])
    }

    func apology(for update: TelegramUpdate) -> BotReply {
        let texts = StaffTexts(language: Language(telegramLanguageCode: update.sender?.languageCode))
        if let callback = update.callbackQuery {
            return BotReply([.answerCallbackQuery(id: callback.id, text: texts.apology)])
        }
        guard let chatID = update.privateChatID else { return .none }
        return BotReply([.sendMessage(chatID: chatID, text: texts.apology)])
    }
}

/// The staff bot's texts, per language.
struct StaffTexts {
    let language: Language

    var refusal: String {
        switch language {
        case .ru: return "Этот бот только для сотрудников кофейни. Чтобы подключиться, попросите у администратора ссылку-приглашение."
        case .en: return "This bot is for café staff only. To join, ask an administrator for an invite link."
        }
    }

    func greeting(name: String) -> String {
        switch language {
        case .ru: return "Здравствуйте, \(name)! Вы подключены к боту сотрудников."
        case .en: return "Hello, \(name)! You are connected to the staff bot."
        }
    }

    var apology: String {
        switch language {
        case .ru: return "Что-то пошло не так. Попробуйте ещё раз."
        case .en: return "Something went wrong. Please try again."
        }
    }
}
