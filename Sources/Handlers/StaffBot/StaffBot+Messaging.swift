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
            try await turn.conversations.set(
                Conversation(state: StaffStep.messageText.rawValue, data: ["customer": String(customer.id)]), chatID: turn.chatID, at: turn.now
            )
            return turn.reply(turn.say("\(customer.firstName): " + turn.texts.askMessageText, turn.inline([[(turn.texts.cancelButton, .abandon)]])))
        }
    }

    /// A transactional message: it reaches the guest even if they opted out of promotions.
    func sendMessageToGuest(_ text: String, step: Conversation, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.clear(chatID: turn.chatID)
        guard let customerID = step.data["customer"].flatMap(Int64.init),
              let customer = try await loyalty.customer(id: customerID, on: turn.connection)
        else { return turn.reply(turn.say(turn.texts.error(.customerNotFound), turn.menu)) }
        let body = StaffTexts(language: customer.language).messageToGuest(text)
        let call = BotCall.sendMessage(chatID: customer.telegramID, text: body)
        try await OutboxStore.enqueue(
            bot: .client, chatID: customer.telegramID, customerID: customer.id, payload: call.body, at: turn.now,
            on: turn.connection, logger: turn.transaction.logger
        )
        return turn.reply(turn.say(turn.texts.messageQueued(customer.firstName), turn.menu))
    }

    func chooseAudience(turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.set(Conversation(state: StaffStep.broadcastAudience.rawValue), chatID: turn.chatID, at: turn.now)
        let rows: [[(String, StaffCallback)]] = [
            [(turn.texts.audienceEveryone, .audienceEveryone), (turn.texts.audienceByTier, .audienceTierMenu)],
            [(turn.texts.audienceActive(days: 7), .audienceActive(days: 7)), (turn.texts.audienceActive(days: 30), .audienceActive(days: 30))],
            [(turn.texts.audienceBirthdays, .audienceBirthdays)],
            [(turn.texts.cancelButton, .abandon)],
        ]
        return turn.reply(turn.say(turn.texts.pickAudience, turn.inline(rows)))
    }

    func askBroadcastText(audience: String, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard turn.member.role == .manager,
              try await turn.conversations.current(chatID: turn.chatID, at: turn.now)?.state == StaffStep.broadcastAudience.rawValue
        else { return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale)) }
        try await turn.conversations.set(
            Conversation(state: StaffStep.broadcastText.rawValue, data: ["audience": audience]), chatID: turn.chatID, at: turn.now
        )
        return turn.reply(.answerCallbackQuery(id: callback.id), turn.show(turn.texts.askBroadcastText, replacing: callback.message?.messageID))
    }

    func previewBroadcast(_ text: String, step: Conversation, turn: StaffTurn) async throws -> BotReply {
        guard let audienceName = step.data["audience"], let audience = try await audience(audienceName, turn: turn) else {
            try await turn.conversations.clear(chatID: turn.chatID)
            return turn.reply(turn.say(turn.texts.stale, turn.menu))
        }
        let size = try await broadcasts.audienceSize(audience, at: turn.now, on: turn.connection)
        let draftNonce = nonce()
        try await turn.conversations.set(
            Conversation(state: StaffStep.broadcastConfirm.rawValue, data: ["audience": audienceName, "text": String(text.prefix(4000)), "nonce": draftNonce]),
            chatID: turn.chatID, at: turn.now
        )
        let buttons = turn.inline([[(turn.texts.sendButton, .sendBroadcast(nonce: draftNonce)), (turn.texts.cancelButton, .abandon)]])
        return turn.reply(turn.say(turn.texts.confirmBroadcast(size: size), buttons))
    }

    /// Queues the broadcast; the message with the Send button becomes its progress message,
    /// edited by the progress job until every row is sent or given up.
    func sendBroadcast(nonce: String, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard turn.member.role == .manager,
              let step = try await turn.conversations.current(chatID: turn.chatID, at: turn.now),
              step.state == StaffStep.broadcastConfirm.rawValue, step.data["nonce"] == nonce,
              let text = step.data["text"], let audienceName = step.data["audience"],
              let audience = try await audience(audienceName, turn: turn)
        else { return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale)) }
        try await turn.conversations.clear(chatID: turn.chatID)
        let queued = try await broadcasts.queue(
            audience, text: text, by: turn.member.actor, progressChatID: turn.chatID, progressMessageID: callback.message?.messageID,
            at: turn.now, on: turn.connection
        )
        let progress = BroadcastProgress(
            broadcastID: queued.broadcastID, recipients: queued.recipients, sent: 0, failed: 0, pending: queued.recipients,
            progressChatID: turn.chatID, progressMessageID: callback.message?.messageID, creatorLanguage: turn.member.language
        )
        return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.done), turn.show(turn.texts.broadcastProgress(progress), replacing: callback.message?.messageID))
    }

    private func audience(_ name: String, turn: StaffTurn) async throws -> BroadcastAudience? {
        let parts = name.split(separator: ":").map(String.init)
        switch parts.first {
        case "all": return .everyone
        case "tier": return parts.count == 2 ? Tier(rawValue: parts[1]).map(BroadcastAudience.tier) : nil
        case "active": return parts.count == 2 ? Int(parts[1]).map { .active(days: $0) } : nil
        case "bday": return .birthdaysIn(month: try await cafeTime(turn).today(turn.now).month)
        default: return nil
        }
    }
}
