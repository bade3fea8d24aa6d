import Domain
import Foundation
import Runtime
import Store

/// Profile, payment code, history and settings: what guests look at.
extension ClientBot {
    func showProfile(of customer: Customer, turn: ClientTurn) async throws -> BotReply {
        let view = try await ProfileView.load(customer, tx: turn.tx, language: turn.texts.language, at: turn.now)
        var text = turn.texts.profile(view)
        if let invite = try await turn.tx.loyalty.invite(customerID: customer.id, at: turn.now) {
            text += "\n\n" + turn.texts.inviteHint(invite)
        }
        return turn.reply(turn.say(text, turn.texts.menu))
    }

    /// The guest's invite link and what it brings, while a bring-a-friend campaign runs.
    func showInvite(for customer: Customer, turn: ClientTurn) async throws -> BotReply {
        guard let invite = try await turn.tx.loyalty.invite(customerID: customer.id, at: turn.now) else {
            return turn.reply(turn.say(turn.texts.noInviteCampaign, turn.texts.menu))
        }
        guard let link = await username?.current().map({ "https://t.me/\($0)?start=\(invite.startParameter)" }) else {
            return turn.reply(turn.say(turn.texts.invite(invite, link: nil), turn.texts.menu))
        }
        // Telegram's share page lets the guest pick a friend's chat with the link and a line ready.
        let share = "https://t.me/share/url?url=\(Self.queryEncoded(link))&text=\(Self.queryEncoded(turn.texts.inviteShareText(invite)))"
        let keyboard = ReplyMarkup.inline([[ReplyMarkup.InlineButton(turn.texts.shareInviteButton, url: share)]])
        return turn.reply(turn.say(turn.texts.invite(invite, link: link), keyboard))
    }

    /// A query value with everything but unreserved characters percent-encoded.
    static func queryEncoded(_ value: String) -> String {
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// A new code voids the previous one. From the "new code" button it replaces the old
    /// message, so only one code is ever on the guest's screen.
    func freshCode(for customer: Customer, turn: ClientTurn, replacing messageID: Int64?) async throws -> BotCall {
        let issued = try await turn.tx.loyalty.issueCode(customerID: customer.id, at: turn.now)
        let settings = try await turn.tx.settings()
        let cafe = CafeTime(identifier: settings.timeZone)
        let seconds = Int(issued.expiresAt.timeIntervalSince(turn.now).rounded())
        let text = turn.texts.code(issued.code, validFor: seconds, until: cafe.time(issued.expiresAt))
        let keyboard = turn.texts.newCodeKeyboard(cardAppURL: cardAppURL)
        if let messageID {
            return .editMessageText(chatID: turn.chatID, messageID: messageID, text: text, markup: keyboard)
        }
        return turn.say(text, keyboard)
    }

    func showHistory(of customer: Customer, turn: ClientTurn) async throws -> BotReply {
        let settings = try await turn.tx.settings()
        let cafe = CafeTime(identifier: settings.timeZone)
        let entries = try await turn.tx.loyalty.recentActivity(customerID: customer.id, limit: 10)
        let lines = entries.map { turn.texts.historyLine($0, date: cafe.day($0.at)) }
        return turn.reply(turn.say(turn.texts.history(lines), turn.texts.menu))
    }

    func settingsText(_ customer: Customer, turn: ClientTurn) -> String {
        turn.texts.settings(
            promoOptIn: customer.promoOptIn,
            birthDate: customer.birthDate.map(CafeTime.dotted),
            mayChangeBirthDate: customer.mayChangeBirthDate
        )
    }

    func settingsKeyboard(_ customer: Customer, turn: ClientTurn) -> ReplyMarkup {
        var rows: [[(String, ClientCallback)]] = [
            [(turn.texts.languageButton, .toggleLanguage)],
            [(turn.texts.promoButton(optedIn: customer.promoOptIn), .promo(on: !customer.promoOptIn))],
        ]
        if customer.mayChangeBirthDate {
            rows.append([(turn.texts.birthdayButton(isSet: customer.birthDate != nil), .changeBirthday)])
        }
        return turn.texts.inline(rows)
    }
}
