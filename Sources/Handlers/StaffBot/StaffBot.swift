import Domain
import Foundation
import Runtime
import Store

/// The baristas' and managers' bot: sales by the guest's code, gifts, cancellations, history,
/// messages and broadcasts. A thin channel: every change is one of the engine's commands, run in
/// the update's transaction.
///
/// Only Telegram accounts bound to an active staff member through an invite get past the door.
/// Everyone else, including a deactivated member on their very next update, gets one polite
/// refusal and learns nothing else.
struct StaffBot: TelegramBot {
    let bot = OutboxStore.Bot.staff
    /// Draws the short nonces that tie a confirm button to the draft it confirms.
    let nonce: @Sendable () -> String

    func handle(_ update: TelegramUpdate, in transaction: UpdateTransaction) async throws -> BotReply {
        if let message = update.message, let from = message.from, message.chat.isPrivate, from.isBot != true {
            return try await handle(message, from: from, in: transaction)
        }
        if let callback = update.callbackQuery {
            return try await handle(callback, in: transaction)
        }
        return .none
    }

    /// Every update asks who the sender is and where their chat stands.
    func prefetch(for update: TelegramUpdate) -> UpdateLog.Prefetch {
        UpdateLog.Prefetch(chatID: update.privateChatID, staffTelegramID: update.sender?.id, settings: true, campaigns: true)
    }

    func apology(for update: TelegramUpdate) -> BotReply {
        let texts = StaffTexts(language: Language(telegramLanguageCode: update.sender?.languageCode))
        if let callback = update.callbackQuery {
            return BotReply([.answerCallbackQuery(id: callback.id, text: texts.apology)])
        }
        guard let chatID = update.privateChatID else { return .none }
        return BotReply([.sendMessage(chatID: chatID, text: texts.apology)])
    }

    private func handle(_ message: TelegramMessage, from user: TelegramUser, in transaction: UpdateTransaction) async throws -> BotReply {
        let chatID = message.chat.id
        let text = message.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if text.hasPrefix("/start \(StaffInvites.prefix)") {
            return try await bind(token: String(text.dropFirst("/start ".count)), user: user, chatID: chatID, in: transaction)
        }
        let member = try await transaction.tx.staff.member(telegramID: user.id)
        guard let member, member.active else {
            let texts = StaffTexts(language: member?.language ?? Language(telegramLanguageCode: user.languageCode))
            return BotReply([.sendMessage(chatID: chatID, text: texts.refusal, markup: .removeKeyboard)])
        }
        let turn = StaffTurn(transaction: transaction, chatID: chatID, member: member)
        guard !text.isEmpty else { return turn.reply(turn.say(turn.texts.unknown, turn.menu)) }
        return try await respond(to: text, turn: turn)
    }

    private func bind(token: String, user: TelegramUser, chatID: Int64, in transaction: UpdateTransaction) async throws -> BotReply {
        let name = [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")
        let outcome = try await transaction.tx.invites.redeem(
            token: token, telegramID: user.id, displayName: name, language: Language(telegramLanguageCode: user.languageCode),
            at: transaction.now
        )
        let texts = StaffTexts(language: Language(telegramLanguageCode: user.languageCode))
        switch outcome {
        case .bound(let member):
            let turn = StaffTurn(transaction: transaction, chatID: chatID, member: member)
            return turn.reply(turn.say(turn.texts.welcome(name: member.displayName, role: member.role), turn.menu))
        case .alreadyBound(let member):
            let turn = StaffTurn(transaction: transaction, chatID: chatID, member: member)
            return turn.reply(turn.say(turn.texts.alreadyConnected, turn.menu))
        case .used:
            return BotReply([.sendMessage(chatID: chatID, text: texts.inviteUsed)])
        case .expired:
            return BotReply([.sendMessage(chatID: chatID, text: texts.inviteExpired)])
        case .unknown:
            return BotReply([.sendMessage(chatID: chatID, text: texts.inviteUnknown)])
        }
    }

    /// Typed text: a menu button, the input a step waits for, or a guest's code at any time.
    private func respond(to text: String, turn: StaffTurn) async throws -> BotReply {
        let step = try await turn.conversations.current(chatID: turn.chatID, at: turn.now)
        if text == "/start" || text == "/menu" {
            try await drop(step, turn: turn)
            return turn.reply(turn.say(turn.texts.welcome(name: turn.member.displayName, role: turn.member.role), turn.menu))
        }
        if let action = StaffMenuAction(text: text, texts: turn.texts) {
            try await drop(step, turn: turn)
            return try await perform(action, turn: turn)
        }
        if let step, !step.waitsForGuest, let code = PaymentCode(typed: text),
            let reply = try await interrupt(step, withCode: code, turn: turn)
        {
            return reply
        }
        if let step, let reply = try await continueStep(step, with: text, turn: turn) {
            return reply
        }
        if PaymentCode(typed: text) != nil {
            return try await startSale(code: text, turn: turn)
        }
        return turn.reply(turn.say(turn.texts.unknown, turn.menu))
    }

    /// Typed input for the step the chat is in; nil when the step waits for a button instead.
    private func continueStep(_ step: StaffConversation, with text: String, turn: StaffTurn) async throws -> BotReply? {
        switch step {
        case .saleAmount(let draft): return try await takeAmount(text, draft: draft, turn: turn)
        case .salePoints(let draft): return try await takePoints(text, draft: draft, turn: turn)
        case .giftGuest: return try await showGiftCard(for: text, turn: turn)
        case .giftReason(let customerID, let catalogID):
            return try await issueGift(reason: text, customerID: customerID, catalogID: catalogID, turn: turn)
        case .cancelPick: return try await findSaleToCancel(text, turn: turn)
        case .cancelReason(let orderID): return try await cancelSale(reason: text, orderID: orderID, turn: turn)
        case .refundAmount(let orderID): return try await takeRefundAmount(text, orderID: orderID, turn: turn)
        case .refundReason(let orderID, let amount, let nonce):
            return try await refund(amount, of: orderID, reason: text, nonce: nonce, turn: turn)
        case .messageGuest: return try await findGuestToMessage(text, turn: turn)
        case .messageText(let customerID): return try await sendMessageToGuest(text, customerID: customerID, turn: turn)
        case .broadcastText(let audience): return try await previewBroadcast(text, audience: audience, turn: turn)
        case .saleCode, .saleRedeem, .saleQuote, .saleDone, .giftCard, .broadcastAudience, .broadcastConfirm:
            return nil
        }
    }

    private func perform(_ action: StaffMenuAction, turn: StaffTurn) async throws -> BotReply {
        switch action {
        case .sale:
            try await turn.conversations.set(.saleCode, chatID: turn.chatID, at: turn.now)
            return turn.reply(turn.say(turn.texts.askCode))
        case .gift:
            try await turn.conversations.set(.giftGuest, chatID: turn.chatID, at: turn.now)
            return turn.reply(turn.say(turn.member.role == .manager ? turn.texts.askCodeOrPhone : turn.texts.askCode))
        case .cancelSale:
            return try await listCancellableSales(turn: turn)
        case .history:
            return try await showHistory(turn: turn)
        case .messageGuest:
            guard turn.member.role == .manager else { return turn.reply(turn.say(turn.texts.managersOnly, turn.menu)) }
            try await turn.conversations.set(.messageGuest, chatID: turn.chatID, at: turn.now)
            return turn.reply(turn.say(turn.texts.askCodeOrPhone))
        case .broadcast:
            guard turn.member.role == .manager else { return turn.reply(turn.say(turn.texts.managersOnly, turn.menu)) }
            return try await chooseAudience(turn: turn)
        }
    }
}

/// One update's view of the staff member and their chat.
struct StaffTurn {
    let transaction: UpdateTransaction
    let chatID: Int64
    let member: StaffMember
    let texts: StaffTexts
    let conversations: ConversationStore<StaffConversation>

    init(transaction: UpdateTransaction, chatID: Int64, member: StaffMember) {
        self.transaction = transaction
        self.chatID = chatID
        self.member = member
        self.texts = StaffTexts(language: member.language)
        self.conversations = transaction.tx.conversations(.staff, as: StaffConversation.self)
    }

    var now: Date { transaction.now }
    var tx: StoreTransaction { transaction.tx }
    /// The chat is private, so its id is the member's own Telegram account.
    var till: Till { Till(tx: tx, member: member, telegramID: chatID, now: now) }

    var menu: ReplyMarkup {
        var rows: [[ReplyMarkup.KeyboardButton]] = [
            [.init(texts.saleButton), .init(texts.giftButton)],
            [.init(texts.cancelSaleButton), .init(texts.historyButton)],
        ]
        if member.role == .manager {
            rows.append([.init(texts.messageGuestButton), .init(texts.broadcastButton)])
        }
        return .keyboard(rows)
    }

    func say(_ text: String, _ markup: ReplyMarkup? = nil) -> BotCall {
        .sendMessage(chatID: chatID, text: text, markup: markup)
    }

    /// Replaces the message a button was pressed on, or sends a new one when it is unknown.
    func show(_ text: String, _ markup: ReplyMarkup? = nil, replacing messageID: Int64?) -> BotCall {
        guard let messageID else { return say(text, markup) }
        return .editMessageText(chatID: chatID, messageID: messageID, text: text, markup: markup)
    }

    func inline(_ rows: [[(String, StaffCallback)]]) -> ReplyMarkup {
        .inline(rows.map { row in row.map { ReplyMarkup.InlineButton($0.0, data: $0.1.data) } })
    }

    func reply(_ calls: BotCall...) -> BotReply {
        BotReply(calls)
    }
}

/// A staff menu button, in either language.
enum StaffMenuAction: CaseIterable {
    case sale, gift, cancelSale, history, messageGuest, broadcast

    /// Labels earlier builds put on keyboards that staff may still have open.
    static let formerLabels: [String: StaffMenuAction] = ["📋 Моя история": .history, "📋 My history": .history]

    init?(text: String, texts: StaffTexts) {
        if let action = Self.formerLabels[text] {
            self = action
            return
        }
        for action in Self.allCases {
            for language in Language.allCases where action.label(StaffTexts(language: language)) == text {
                self = action
                return
            }
        }
        return nil
    }

    func label(_ texts: StaffTexts) -> String {
        switch self {
        case .sale: return texts.saleButton
        case .gift: return texts.giftButton
        case .cancelSale: return texts.cancelSaleButton
        case .history: return texts.historyButton
        case .messageGuest: return texts.messageGuestButton
        case .broadcast: return texts.broadcastButton
        }
    }
}
