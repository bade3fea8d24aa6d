import Foundation
import Runtime

/// The client bot's keyboards, labelled from the guest's catalogue.
extension ClientTexts {
    var menu: ReplyMarkup {
        .keyboard([
            [.init(profileButton), .init(codeButton)],
            [.init(historyButton), .init(reviewButton)],
            [.init(ideaButton), .init(messageButton)],
            [.init(settingsButton)],
        ])
    }

    var sharePhone: ReplyMarkup {
        .keyboard([[.init(sharePhoneButton, requestContact: true)]], oneTime: true)
    }

    func inline(_ buttons: [[(String, ClientCallback)]]) -> ReplyMarkup {
        .inline(buttons.map { row in row.map { ReplyMarkup.InlineButton($0.0, data: $0.1.data) } })
    }

    var skipBirthdayKeyboard: ReplyMarkup { inline([[(skipButton, .skipBirthday)]]) }
    var skipCommentKeyboard: ReplyMarkup { inline([[(skipButton, .skipComment)]]) }
    var cancelKeyboard: ReplyMarkup { inline([[(cancelButton, .cancelInput)]]) }
    /// A new code, and the card with the code as a QR when the Mini App can be opened.
    func newCodeKeyboard(cardAppURL: String?) -> ReplyMarkup {
        var rows = [[ReplyMarkup.InlineButton(newCodeButton, data: ClientCallback.newCode.data)]]
        if let cardAppURL { rows.insert([ReplyMarkup.InlineButton(cardAppButton, webApp: cardAppURL)], at: 0) }
        return .inline(rows)
    }

    func ratingKeyboard(order: Int64) -> ReplyMarkup {
        inline([
            (1...5).map { (String($0), .rate(order: order, rating: $0)) },
            (6...10).map { (String($0), .rate(order: order, rating: $0)) },
        ])
    }
}

/// A menu action, whichever language's button or command it arrived as.
enum ClientMenuAction: CaseIterable {
    case profile, code, history, review, idea, message, settings

    init?(text: String) {
        let typed = Self.normalised(text)
        let command = typed.hasPrefix("/") ? String(typed.dropFirst().prefix { $0 != "@" && $0 != " " }) : nil
        for action in Self.allCases {
            if let command, command == action.command {
                self = action
                return
            }
            for texts in [clientTexts(.ru), clientTexts(.en)] where Self.normalised(action.label(in: texts)) == typed {
                self = action
                return
            }
        }
        return nil
    }

    var command: String {
        switch self {
        case .profile: return "profile"
        case .code: return "code"
        case .history: return "history"
        case .review: return "review"
        case .idea: return "idea"
        case .message: return "message"
        case .settings: return "settings"
        }
    }

    func label(in texts: any ClientTexts) -> String {
        switch self {
        case .profile: return texts.profileButton
        case .code: return texts.codeButton
        case .history: return texts.historyButton
        case .review: return texts.reviewButton
        case .idea: return texts.ideaButton
        case .message: return texts.messageButton
        case .settings: return texts.settingsButton
        }
    }

    /// Lower-cased letters, digits, spaces and `/`: "👤 Профиль", "профиль" and "Профиль " match.
    static func normalised(_ text: String) -> String {
        let kept = text.lowercased().unicodeScalars.filter {
            CharacterSet.alphanumerics.contains($0) || $0 == " " || $0 == "/" || $0 == "@" || $0 == "_"
        }
        return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces)
    }
}
