import Store

/// What an inline button in the client bot asks for. The callback data carries only a short
/// action and an id (Telegram allows 64 bytes); everything else is read from the database.
/// Adding a button is one case here, one route in `codec`, and its handler.
enum ClientCallback: Equatable, Sendable {
    case newCode
    case reviewOrder(Int64)
    case rate(order: Int64, rating: Int)
    case skipBirthday
    case skipComment
    case cancelInput
    case toggleLanguage
    case promo(on: Bool)
    case changeBirthday

    static let codec = CallbackCodec<ClientCallback>([
        CallbackRoute("code:new", .newCode),
        CallbackRoute(
            "rv", print: { if case .reviewOrder(let order) = $0 { [String(order)] } else { nil } },
            parse: { $0.singleID.map { .reviewOrder($0) } }),
        CallbackRoute(
            "rate", print: { if case .rate(let order, let rating) = $0 { [String(order), String(rating)] } else { nil } },
            parse: { arguments in
                guard arguments.count == 2, let order = Int64(arguments[0]), let rating = Int(arguments[1]),
                    (1...10).contains(rating)
                else { return nil }
                return .rate(order: order, rating: rating)
            }),
        CallbackRoute("skip:bday", .skipBirthday),
        CallbackRoute("skip:comment", .skipComment),
        CallbackRoute("cancel", .cancelInput),
        CallbackRoute("set:lang", .toggleLanguage),
        CallbackRoute("set:promo:on", .promo(on: true)),
        CallbackRoute("set:promo:off", .promo(on: false)),
        CallbackRoute("set:bday", .changeBirthday),
    ])

    init?(data: String) {
        guard let action = Self.codec.action(from: data) else { return nil }
        self = action
    }

    var data: String { Self.codec.data(for: self) }
}

/// Where a guest's chat stands while the client bot waits for typed input.
enum ClientConversation: ConversationState {
    case birthDate
    case reviewComment(feedbackID: Int64)
    case idea
    case message
    /// A guest not yet registered came through an invite link: the code waits for their phone.
    case invited(code: String)

    var step: String {
        switch self {
        case .birthDate: return "birth_date"
        case .reviewComment: return "review_comment"
        case .idea: return "idea"
        case .message: return "message"
        case .invited: return "invited"
        }
    }
}
