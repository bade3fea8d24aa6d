import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A Telegram user writing to one of the bots: builds updates shaped like Telegram's (see
/// `Tests/Fixtures/telegram-updates`) and posts them to the webhook with the bot's secret.
public struct BotUser: Sendable {
    public let client: any TestClientProtocol
    public let path: String
    public let secret: String
    public let userID: Int64
    public let firstName: String
    public let languageCode: String?
    let updateIDs: UpdateCounter

    public init(
        client: any TestClientProtocol, path: String = "/telegram/client", secret: String,
        userID: Int64 = 111_111_111, firstName: String = "Мария", languageCode: String? = "ru"
    ) {
        self.client = client
        self.path = path
        self.secret = secret
        self.userID = userID
        self.firstName = firstName
        self.languageCode = languageCode
        self.updateIDs = UpdateCounter(start: 900_000_000 + (userID % 1000) * 10_000)
    }

    public static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!

    var user: [String: Any] {
        var user: [String: Any] = ["id": userID, "is_bot": false, "first_name": firstName]
        if let languageCode { user["language_code"] = languageCode }
        return user
    }

    var chat: [String: Any] { ["id": userID, "first_name": firstName, "type": "private"] }

    /// A message update with the given fields (`text`, `contact`, `photo`, …).
    public func messageUpdate(_ fields: [String: Any], updateID: Int64? = nil) -> [String: Any] {
        var message: [String: Any] = ["message_id": updateIDs.next() % 100_000, "from": user, "chat": chat, "date": 1_764_000_000]
        message.merge(fields) { _, new in new }
        return ["update_id": updateID ?? updateIDs.next(), "message": message]
    }

    public func callbackUpdate(_ data: String, messageID: Int64 = 7) -> [String: Any] {
        let message: [String: Any] = [
            "message_id": messageID, "chat": chat, "date": 1_764_000_000, "text": "…",
            "from": ["id": 7_000_000_001, "is_bot": true, "first_name": "Crema"],
        ]
        return [
            "update_id": updateIDs.next(),
            "callback_query": ["id": "cb\(updateIDs.next())", "from": user, "message": message, "chat_instance": "1", "data": data],
        ]
    }

    public func contactUpdate(phone: String = "79000000000", ownerID: Int64? = nil) -> [String: Any] {
        var contact: [String: Any] = ["phone_number": phone, "first_name": firstName]
        if let ownerID { contact["user_id"] = ownerID }
        return messageUpdate(["contact": contact])
    }

    @discardableResult
    public func send(text: String) async throws -> BotAnswer {
        try await post(messageUpdate(["text": text]))
    }

    @discardableResult
    public func sendOwnContact(phone: String = "79000000000") async throws -> BotAnswer {
        try await post(contactUpdate(phone: phone, ownerID: userID))
    }

    @discardableResult
    public func press(_ data: String, messageID: Int64 = 7) async throws -> BotAnswer {
        try await post(callbackUpdate(data, messageID: messageID))
    }

    public func post(_ update: [String: Any], secret: String? = nil) async throws -> BotAnswer {
        try await post(raw: try JSONSerialization.data(withJSONObject: update), secret: secret)
    }

    public func post(raw body: Data, secret: String? = nil) async throws -> BotAnswer {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let secret = secret ?? Optional(self.secret), !secret.isEmpty { headers[Self.secretHeader] = secret }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        return BotAnswer(status: response.status.code, body: Data(response.body.readableBytesView))
    }
}

/// The webhook's answer: its status and the Bot API call it carries back, if any.
public struct BotAnswer: Sendable {
    public let status: Int
    public let body: Data

    public var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    public var method: String? { json["method"] as? String }
    public var text: String? { json["text"] as? String }
    public var markup: [String: Any]? { json["reply_markup"] as? [String: Any] }
    /// Labels of the reply keyboard's buttons, row by row flattened.
    public var keyboardButtons: [String] {
        ((markup?["keyboard"] as? [[[String: Any]]]) ?? []).flatMap { $0.compactMap { $0["text"] as? String } }
    }
    /// Callback data of the inline keyboard's buttons.
    public var inlineData: [String] {
        ((markup?["inline_keyboard"] as? [[[String: Any]]]) ?? []).flatMap { $0.compactMap { $0["callback_data"] as? String } }
    }
}

final class UpdateCounter: Sendable {
    private let value: Mutex<Int64>

    init(start: Int64) {
        value = Mutex(start)
    }

    func next() -> Int64 {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
