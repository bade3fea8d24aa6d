import Foundation

/// One Bot API call a bot wants made: returned in the webhook response or queued in the outbox.
public struct BotCall: Sendable, Equatable {
    public var method: String
    /// The chat the call addresses, for the outbox's per-chat pacing; nil for answerCallbackQuery.
    public var chatID: Int64?
    /// The call's parameters as a JSON object.
    public var body: Data

    public init(method: String, chatID: Int64?, body: Data) {
        self.method = method
        self.chatID = chatID
        self.body = body
    }

    public static func sendMessage(chatID: Int64, text: String, markup: ReplyMarkup? = nil) -> BotCall {
        encode("sendMessage", chatID: chatID, SendMessage(chatID: chatID, text: clip(text), replyMarkup: markup))
    }

    public static func editMessageText(chatID: Int64, messageID: Int64, text: String, markup: ReplyMarkup? = nil) -> BotCall {
        encode(
            "editMessageText", chatID: chatID, EditMessageText(chatID: chatID, messageID: messageID, text: clip(text), replyMarkup: markup))
    }

    public static func answerCallbackQuery(id: String, text: String? = nil) -> BotCall {
        encode("answerCallbackQuery", chatID: nil, AnswerCallbackQuery(callbackQueryID: id, text: text.map { String($0.prefix(200)) }))
    }

    /// The call as a webhook response body: `"method"` first, then its parameters. The body is
    /// an object this type encoded, so the method is spliced in after its opening brace rather
    /// than the whole object parsed and written again (that was 7 % of a bot update's CPU).
    public var webhookResponseBody: Data {
        guard body.first == UInt8(ascii: "{"), method.utf8.allSatisfy({ $0.isASCIIIdentifier }) else { return body }
        var spliced = Data(#"{"method":""#.utf8)
        spliced.reserveCapacity(body.count + method.utf8.count + 12)
        spliced.append(contentsOf: method.utf8)
        spliced.append(contentsOf: #"""#.utf8)
        let parameters = body.dropFirst().drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }
        if parameters.first != UInt8(ascii: "}") { spliced.append(UInt8(ascii: ",")) }
        spliced.append(contentsOf: parameters)
        return spliced
    }

    /// Telegram refuses texts over 4096 characters; a cut text is better than no message.
    static func clip(_ text: String) -> String {
        text.count <= 4096 ? text : String(text.prefix(4095)) + "…"
    }

    private static func encode(_ method: String, chatID: Int64?, _ parameters: some Encodable) -> BotCall {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return BotCall(method: method, chatID: chatID, body: (try? encoder.encode(parameters)) ?? Data("{}".utf8))
    }
}

/// A keyboard attached to a message.
public enum ReplyMarkup: Sendable, Equatable, Encodable {
    /// The reply keyboard under the input field; a press arrives as a plain text message.
    case keyboard([[KeyboardButton]], oneTime: Bool = false)
    /// Buttons under the message; a press arrives as a callback query with `data`.
    case inline([[InlineButton]])
    case removeKeyboard

    public struct KeyboardButton: Sendable, Equatable, Encodable {
        public var text: String
        public var requestContact: Bool

        public init(_ text: String, requestContact: Bool = false) {
            self.text = text
            self.requestContact = requestContact
        }

        enum CodingKeys: String, CodingKey {
            case text
            case requestContact = "request_contact"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(text, forKey: .text)
            if requestContact { try container.encode(true, forKey: .requestContact) }
        }
    }

    public struct InlineButton: Sendable, Equatable, Encodable {
        public var text: String
        /// At most 64 bytes: a short action and an id, never state. Empty for a Mini App button.
        public var data: String
        /// The HTTPS page a Mini App button opens, with init data Telegram signs.
        public var webAppURL: String?
        /// The page a link button opens (a t.me share link, say).
        public var url: String?

        public init(_ text: String, data: String) {
            precondition(data.utf8.count <= 64, "callback_data is limited to 64 bytes")
            self.text = text
            self.data = data
        }

        public init(_ text: String, webApp url: String) {
            self.text = text
            self.data = ""
            self.webAppURL = url
        }

        public init(_ text: String, url: String) {
            self.text = text
            self.data = ""
            self.url = url
        }

        enum CodingKeys: String, CodingKey {
            case text, url
            case data = "callback_data"
            case webApp = "web_app"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(text, forKey: .text)
            if let webAppURL {
                try container.encode(["url": webAppURL], forKey: .webApp)
            } else if let url {
                try container.encode(url, forKey: .url)
            } else {
                try container.encode(data, forKey: .data)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case keyboard
        case resizeKeyboard = "resize_keyboard"
        case oneTimeKeyboard = "one_time_keyboard"
        case inlineKeyboard = "inline_keyboard"
        case removeKeyboard = "remove_keyboard"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .keyboard(let rows, let oneTime):
            try container.encode(rows, forKey: .keyboard)
            try container.encode(true, forKey: .resizeKeyboard)
            if oneTime { try container.encode(true, forKey: .oneTimeKeyboard) }
        case .inline(let rows):
            try container.encode(rows, forKey: .inlineKeyboard)
        case .removeKeyboard:
            try container.encode(true, forKey: .removeKeyboard)
        }
    }
}

struct SendMessage: Encodable {
    let chatID: Int64
    let text: String
    let replyMarkup: ReplyMarkup?

    enum CodingKeys: String, CodingKey {
        case chatID = "chat_id"
        case text
        case replyMarkup = "reply_markup"
    }
}

struct EditMessageText: Encodable {
    let chatID: Int64
    let messageID: Int64
    let text: String
    let replyMarkup: ReplyMarkup?

    enum CodingKeys: String, CodingKey {
        case chatID = "chat_id"
        case messageID = "message_id"
        case text
        case replyMarkup = "reply_markup"
    }
}

struct AnswerCallbackQuery: Encodable {
    let callbackQueryID: String
    let text: String?

    enum CodingKeys: String, CodingKey {
        case callbackQueryID = "callback_query_id"
        case text
    }
}

extension UInt8 {
    /// A letter, digit or underscore: a Bot API method name needs no escaping in JSON.
    fileprivate var isASCIIIdentifier: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "_")
    }
}
