import Store

/// What an inline button in the client bot asks for. The callback data carries only a short
/// action and an id (Telegram allows 64 bytes); everything else is read from the database.
enum ClientCallback: Equatable {
    case newCode
    case reviewOrder(Int64)
    case rate(order: Int64, rating: Int)
    case skipBirthday
    case skipComment
    case cancelInput
    case toggleLanguage
    case promo(on: Bool)
    case changeBirthday

    init?(data: String) {
        let parts = data.split(separator: ":").map(String.init)
        switch parts.first {
        case "code" where parts == ["code", "new"]: self = .newCode
        case "rv" where parts.count == 2: guard let order = Int64(parts[1]) else { return nil }; self = .reviewOrder(order)
        case "rate" where parts.count == 3:
            guard let order = Int64(parts[1]), let rating = Int(parts[2]), (1...10).contains(rating) else { return nil }
            self = .rate(order: order, rating: rating)
        case "skip" where parts == ["skip", "bday"]: self = .skipBirthday
        case "skip" where parts == ["skip", "comment"]: self = .skipComment
        case "cancel" where parts.count == 1: self = .cancelInput
        case "set" where parts == ["set", "lang"]: self = .toggleLanguage
        case "set" where parts == ["set", "promo", "on"]: self = .promo(on: true)
        case "set" where parts == ["set", "promo", "off"]: self = .promo(on: false)
        case "set" where parts == ["set", "bday"]: self = .changeBirthday
        default: return nil
        }
    }

    var data: String {
        switch self {
        case .newCode: return "code:new"
        case .reviewOrder(let order): return "rv:\(order)"
        case .rate(let order, let rating): return "rate:\(order):\(rating)"
        case .skipBirthday: return "skip:bday"
        case .skipComment: return "skip:comment"
        case .cancelInput: return "cancel"
        case .toggleLanguage: return "set:lang"
        case .promo(let on): return "set:promo:\(on ? "on" : "off")"
        case .changeBirthday: return "set:bday"
        }
    }
}

/// Where a guest's chat stands while the client bot waits for typed input.
enum ClientConversation: ConversationState {
    case birthDate
    case reviewComment(feedbackID: Int64)
    case idea
    case message

    var step: String {
        switch self {
        case .birthDate: return "birth_date"
        case .reviewComment: return "review_comment"
        case .idea: return "idea"
        case .message: return "message"
        }
    }
}
