import Domain
import Foundation
import Runtime
import Store

/// Managers' messages to one guest and broadcasts to an audience.
extension StaffBot {
    func findGuestToMessage(_ text: String, turn: StaffTurn) async throws -> BotReply {
        switch try await findGuest(text, turn: turn) {
        case .refused(let reason):
            return turn.reply(turn.say(reason))
        case .found(let customer):
            try await turn.conversations.set(.messageText(customerID: customer.id), chatID: turn.chatID, at: turn.now)
            return turn.reply(
                turn.say(turn.texts.askMessageText(to: customer.firstName), turn.inline([[(turn.texts.cancelButton, .abandon)]])))
        }
    }

    /// A transactional message: it reaches the guest even if they opted out of promotions.
    func sendMessageToGuest(_ text: String, customerID: Int64, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.clear(chatID: turn.chatID)
        guard let customer = try await turn.tx.loyalty.customer(id: customerID) else {
            return turn.reply(turn.say(turn.texts.error(.customerNotFound), turn.menu))
        }
        let body = StaffTexts(language: customer.language).messageToGuest(text)
        let call = BotCall.sendMessage(chatID: customer.telegramID, text: body)
        try await turn.tx.outbox.enqueue(
            bot: .client, chatID: customer.telegramID, customerID: customer.id, payload: call.body, at: turn.now)
        return turn.reply(turn.say(turn.texts.messageQueued(customer.firstName), turn.menu))
    }

    func chooseAudience(turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.set(.broadcastAudience, chatID: turn.chatID, at: turn.now)
        let rows: [[(String, StaffCallback)]] = [
            [(turn.texts.audienceEveryone, .audienceEveryone), (turn.texts.audienceByTier, .audienceTierMenu)],
            [
                (turn.texts.audienceActive(days: 7), .audienceActive(days: 7)),
                (turn.texts.audienceActive(days: 30), .audienceActive(days: 30)),
            ],
            [(turn.texts.audienceBirthdays, .audienceBirthdays)],
            [(turn.texts.cancelButton, .abandon)],
        ]
        return turn.reply(turn.say(turn.texts.pickAudience, turn.inline(rows)))
    }

    func askBroadcastText(audience: BroadcastChoice, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard turn.member.role == .manager,
            try await turn.conversations.current(chatID: turn.chatID, at: turn.now) == .broadcastAudience
        else { return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale)) }
        try await turn.conversations.set(.broadcastText(audience: audience), chatID: turn.chatID, at: turn.now)
        return turn.reply(
            .answerCallbackQuery(id: callback.id), turn.show(turn.texts.askBroadcastText, replacing: callback.message?.messageID))
    }

    func previewBroadcast(_ text: String, audience choice: BroadcastChoice, turn: StaffTurn) async throws -> BotReply {
        let size = try await turn.tx.broadcasts.audienceSize(try await audience(choice, turn: turn), at: turn.now)
        let draftNonce = nonce()
        try await turn.conversations.set(
            .broadcastConfirm(audience: choice, text: String(text.prefix(4000)), nonce: draftNonce), chatID: turn.chatID, at: turn.now
        )
        let buttons = turn.inline([[(turn.texts.sendButton, .sendBroadcast(nonce: draftNonce)), (turn.texts.cancelButton, .abandon)]])
        return turn.reply(turn.say(turn.texts.confirmBroadcast(size: size), buttons))
    }

    /// Queues the broadcast; the message with the Send button becomes its progress message,
    /// edited by the progress job until every row is sent or given up.
    func sendBroadcast(nonce: String, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard turn.member.role == .manager,
            case .broadcastConfirm(let choice, let text, let shown) = try await turn.conversations.current(
                chatID: turn.chatID, at: turn.now),
            shown == nonce
        else { return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale)) }
        try await turn.conversations.clear(chatID: turn.chatID)
        let perDay = try await turn.tx.settings().broadcastsPerDay
        let allowance = RateLimiter.Limit(key: "broadcasts:staff:\(turn.member.id)", maximum: perDay, window: 86_400)
        if try await turn.tx.rateLimits.take([allowance], at: turn.now) != nil {
            let refusal = turn.texts.broadcastLimitReached(perDay)
            return turn.reply(
                .answerCallbackQuery(id: callback.id, text: refusal), turn.show(refusal, replacing: callback.message?.messageID))
        }
        let queued = try await turn.tx.broadcasts.queue(
            try await audience(choice, turn: turn), text: text, by: turn.member.actor, progressChatID: turn.chatID,
            progressMessageID: callback.message?.messageID,
            at: turn.now
        )
        let progress = BroadcastProgress(
            broadcastID: queued.broadcastID, recipients: queued.recipients, sent: 0, failed: 0, pending: queued.recipients,
            progressChatID: turn.chatID, progressMessageID: callback.message?.messageID, creatorLanguage: turn.member.language
        )
        return turn.reply(
            .answerCallbackQuery(id: callback.id, text: turn.texts.done),
            turn.show(turn.texts.broadcastProgress(progress), replacing: callback.message?.messageID))
    }

    private func audience(_ choice: BroadcastChoice, turn: StaffTurn) async throws -> BroadcastAudience {
        switch choice {
        case .everyone: return .everyone
        case .tier(let tier): return .tier(tier)
        case .active(let days): return .active(days: days)
        case .birthdaysThisMonth: return .birthdaysIn(month: try await cafeTime(turn).today(turn.now).month)
        }
    }
}
