import Foundation

/// One Telegram `Update`, decoded tolerantly: unknown fields and kinds are ignored, and a part
/// that does not decode (a new shape of an object Crema does not use) is dropped rather than
/// failing the whole update. Only `update_id` is required.
public struct TelegramUpdate: Decodable, Sendable {
    public var updateID: Int64
    public var message: TelegramMessage?
    public var editedMessage: TelegramMessage?
    public var callbackQuery: TelegramCallbackQuery?
    public var myChatMember: TelegramChatMemberUpdated?
    /// The update's kind as Telegram names it (`message`, `channel_post`, …), for the log.
    public var kind: String

    enum CodingKeys: String, CodingKey {
        case updateID = "update_id"
        case message
        case editedMessage = "edited_message"
        case callbackQuery = "callback_query"
        case myChatMember = "my_chat_member"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        updateID = try container.decode(Int64.self, forKey: .updateID)
        message = try? container.decodeIfPresent(TelegramMessage.self, forKey: .message)
        editedMessage = try? container.decodeIfPresent(TelegramMessage.self, forKey: .editedMessage)
        callbackQuery = try? container.decodeIfPresent(TelegramCallbackQuery.self, forKey: .callbackQuery)
        myChatMember = try? container.decodeIfPresent(TelegramChatMemberUpdated.self, forKey: .myChatMember)
        let keys = (try? decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)) ?? []
        kind = keys.first { $0 != "update_id" } ?? "unknown"
    }

    public static func decode(_ data: Data) throws -> TelegramUpdate {
        try JSONDecoder().decode(TelegramUpdate.self, from: data)
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

public struct TelegramUser: Decodable, Sendable, Equatable {
    public var id: Int64
    public var isBot: Bool?
    public var firstName: String
    public var lastName: String?
    public var username: String?
    public var languageCode: String?

    enum CodingKeys: String, CodingKey {
        case id
        case isBot = "is_bot"
        case firstName = "first_name"
        case lastName = "last_name"
        case username
        case languageCode = "language_code"
    }

    public init(id: Int64, firstName: String, lastName: String? = nil, languageCode: String? = nil) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.languageCode = languageCode
    }
}

public struct TelegramChat: Decodable, Sendable, Equatable {
    public var id: Int64
    /// `private`, `group`, `supergroup` or `channel`.
    public var type: String

    public var isPrivate: Bool { type == "private" }
}

public struct TelegramContact: Decodable, Sendable, Equatable {
    public var phoneNumber: String
    public var firstName: String?
    public var lastName: String?
    /// Present only when the contact is a Telegram user; the share-phone button sends the sender's own.
    public var userID: Int64?

    enum CodingKeys: String, CodingKey {
        case phoneNumber = "phone_number"
        case firstName = "first_name"
        case lastName = "last_name"
        case userID = "user_id"
    }
}

public struct TelegramMessage: Decodable, Sendable {
    public var messageID: Int64
    public var from: TelegramUser?
    public var chat: TelegramChat
    public var text: String?
    public var contact: TelegramContact?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case from, chat, text, contact
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messageID = try container.decode(Int64.self, forKey: .messageID)
        chat = try container.decode(TelegramChat.self, forKey: .chat)
        from = try? container.decodeIfPresent(TelegramUser.self, forKey: .from)
        text = try? container.decodeIfPresent(String.self, forKey: .text)
        contact = try? container.decodeIfPresent(TelegramContact.self, forKey: .contact)
    }
}

public struct TelegramCallbackQuery: Decodable, Sendable {
    public var id: String
    public var from: TelegramUser
    /// Missing, or without content, when the message is too old for Telegram to include.
    public var message: TelegramMessage?
    public var data: String?

    enum CodingKeys: String, CodingKey {
        case id, from, message, data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        from = try container.decode(TelegramUser.self, forKey: .from)
        message = try? container.decodeIfPresent(TelegramMessage.self, forKey: .message)
        data = try? container.decodeIfPresent(String.self, forKey: .data)
    }
}

public struct TelegramChatMemberUpdated: Decodable, Sendable {
    public struct Member: Decodable, Sendable {
        /// `member`, `kicked` (the user blocked the bot), `left`, …
        public var status: String
    }

    public var chat: TelegramChat
    public var from: TelegramUser
    public var newChatMember: Member

    enum CodingKeys: String, CodingKey {
        case chat, from
        case newChatMember = "new_chat_member"
    }
}
