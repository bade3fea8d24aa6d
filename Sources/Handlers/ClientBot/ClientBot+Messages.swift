import Domain
import Foundation
import Runtime
import Store

extension ClientBot {
    func handle(_ message: TelegramMessage, in transaction: UpdateTransaction) async throws -> BotReply {
        guard message.chat.isPrivate else {
            // In groups the bot says one line to a command addressed to it and nothing else.
            guard message.text?.hasPrefix("/") == true else { return .none }
            let texts = clientTexts(Language(telegramLanguageCode: message.from?.languageCode))
            return BotReply([.sendMessage(chatID: message.chat.id, text: texts.privateChatsOnly)])
        }
        guard let user = message.from, user.isBot != true else { return .none }
        var turn = try await turn(for: user, chatID: message.chat.id, in: transaction)

        if let customer = turn.customer, customer.isBlocked {
            return turn.reply(turn.say(turn.texts.accountBlocked, .removeKeyboard))
        }
        if let contact = message.contact {
            return try await register(contact, turn: &turn)
        }
        guard let text = message.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return turn.reply(turn.say(turn.texts.unsupportedContent, turn.customer == nil ? turn.texts.sharePhone : turn.texts.menu))
        }
        if text == "/start" || text.hasPrefix("/start ") || text.hasPrefix("/start@") {
            // A deep-link payload (`/start ref_…`) is an invite: it waits for the guest's phone.
            let invite = text.split(separator: " ", maxSplits: 1).dropFirst().first.flatMap { Invite.code(inStartParameter: String($0)) }
            try await turn.conversations.clear(chatID: turn.chatID)
            guard let customer = turn.customer else {
                if let invite {
                    try await turn.conversations.set(.invited(code: invite), chatID: turn.chatID, at: turn.now, lifetime: 7 * 24 * 3_600)
                }
                return turn.reply(turn.say(turn.texts.welcomeNew(name: user.firstName), turn.texts.sharePhone))
            }
            let welcome = turn.texts.welcomeBack(name: customer.firstName)
            return turn.reply(turn.say(invite == nil ? welcome : turn.texts.invitesAreForNewGuests + "\n\n" + welcome, turn.texts.menu))
        }
        guard let customer = turn.customer else {
            return turn.reply(turn.say(turn.texts.needsRegistration, turn.texts.sharePhone))
        }
        if text == "/cancel" || ClientMenuAction.normalised(text) == ClientMenuAction.normalised(turn.texts.cancelButton) {
            try await turn.conversations.clear(chatID: turn.chatID)
            return turn.reply(turn.say(turn.texts.inputCancelled, turn.texts.menu))
        }
        if text == "/invite" || text.hasPrefix("/invite@") {
            try await turn.conversations.clear(chatID: turn.chatID)
            return try await showInvite(for: customer, turn: turn)
        }
        if let action = ClientMenuAction(text: text) {
            try await turn.conversations.clear(chatID: turn.chatID)
            return try await perform(action, for: customer, turn: turn)
        }
        if let step = try await turn.conversations.current(chatID: turn.chatID, at: turn.now) {
            return try await continueStep(step, with: text, for: customer, turn: turn)
        }
        return turn.reply(turn.say(turn.texts.unknownText, turn.texts.menu))
    }

    func perform(_ action: ClientMenuAction, for customer: Customer, turn: ClientTurn) async throws -> BotReply {
        switch action {
        case .profile: return try await showProfile(of: customer, turn: turn)
        case .code: return turn.reply(try await freshCode(for: customer, turn: turn, replacing: nil))
        case .history: return try await showHistory(of: customer, turn: turn)
        case .review: return try await startReview(for: customer, turn: turn)
        case .idea: return try await ask(.idea, turn.texts.askIdea, turn: turn)
        case .message: return try await ask(.message, turn.texts.askMessage, turn: turn)
        case .settings: return turn.reply(turn.say(settingsText(customer, turn: turn), settingsKeyboard(customer, turn: turn)))
        }
    }

    private func continueStep(
        _ step: ClientConversation, with text: String, for customer: Customer, turn: ClientTurn
    ) async throws -> BotReply {
        switch step {
        case .birthDate:
            return try await saveBirthDate(text, for: customer, turn: turn)
        case .reviewComment(let feedbackID):
            return try await saveReviewComment(text, feedbackID: feedbackID, for: customer, turn: turn)
        case .idea:
            return try await saveNote(.idea, text, for: customer, turn: turn)
        case .message:
            return try await saveNote(.message, text, for: customer, turn: turn)
        case .invited:
            return turn.reply(turn.say(turn.texts.unknownText, turn.texts.menu))
        }
    }

    /// Accepts only the sender's own contact, shared through the button: a forwarded card or
    /// someone else's number would let anyone collect another person's points.
    private func register(_ contact: TelegramContact, turn: inout ClientTurn) async throws -> BotReply {
        if turn.customer != nil {
            return turn.reply(turn.say(turn.texts.alreadyRegistered, turn.texts.menu))
        }
        guard let contactUser = contact.userID else {
            return turn.reply(turn.say(turn.texts.contactWithoutUser, turn.texts.sharePhone))
        }
        guard contactUser == turn.user.id else {
            return turn.reply(turn.say(turn.texts.onlyOwnContact, turn.texts.sharePhone))
        }
        guard let phone = PhoneNumber(normalizing: contact.phoneNumber) else {
            return turn.reply(turn.say(turn.texts.invalidPhone, turn.texts.sharePhone))
        }
        var inviteCode: String?
        if case .invited(let code)? = try await turn.conversations.current(chatID: turn.chatID, at: turn.now) { inviteCode = code }
        let registration = LoyaltyStore.Registration(
            telegramID: turn.user.id, phone: phone, firstName: turn.user.firstName, lastName: turn.user.lastName,
            language: Language(telegramLanguageCode: turn.user.languageCode), inviteCode: inviteCode
        )
        do {
            turn.customer = try await turn.tx.loyalty.registerCustomer(registration, at: turn.now)
        } catch LoyaltyError.phoneTaken {
            // The way on is the staff: the share button stays, should they have meant another number.
            return turn.reply(turn.say(turn.texts.phoneTaken, turn.texts.sharePhone))
        }
        try await turn.conversations.set(.birthDate, chatID: turn.chatID, at: turn.now)
        var welcome = turn.texts.registered(name: turn.user.firstName)
        if let customer = turn.customer, inviteCode != nil, let offer = try await turn.tx.loyalty.referralOffer(friendID: customer.id) {
            welcome += "\n\n" + turn.texts.invitedBy(offer)
        }
        welcome += "\n\n" + turn.texts.askBirthday
        return turn.reply(turn.say(welcome, turn.texts.skipBirthdayKeyboard))
    }

    func saveBirthDate(_ text: String, for customer: Customer, turn: ClientTurn) async throws -> BotReply {
        let settings = try await turn.tx.settings()
        let cafe = CafeTime(identifier: settings.timeZone)
        guard let date = CalendarDate(russianFormat: text) else {
            return turn.reply(turn.say(turn.texts.invalidBirthday, turn.texts.skipBirthdayKeyboard))
        }
        do {
            try await turn.tx.loyalty.changeBirthDate(
                customerID: customer.id, to: date, today: cafe.today(turn.now), at: turn.now
            )
        } catch LoyaltyError.invalidBirthDate {
            return turn.reply(turn.say(turn.texts.invalidBirthday, turn.texts.skipBirthdayKeyboard))
        } catch LoyaltyError.birthDateAlreadyChanged {
            try await turn.conversations.clear(chatID: turn.chatID)
            return turn.reply(turn.say(turn.texts.birthdayAlreadyChanged, turn.texts.menu))
        }
        try await turn.conversations.clear(chatID: turn.chatID)
        return turn.reply(turn.say(turn.texts.birthdaySaved(CafeTime.dotted(date)), turn.texts.menu))
    }

    func ask(_ step: ClientConversation, _ question: String, turn: ClientTurn) async throws -> BotReply {
        try await turn.conversations.set(step, chatID: turn.chatID, at: turn.now)
        return turn.reply(turn.say(question, turn.texts.cancelKeyboard))
    }
}
