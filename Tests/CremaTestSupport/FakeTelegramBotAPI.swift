import Foundation
import Hummingbird
import NIOCore

/// A local stand-in for `api.telegram.org`: answers Bot API calls the way Telegram does,
/// records each call, and fails chosen calls with 429, 403, 400 or 5xx on demand.
///
/// Bound to 127.0.0.1 on a free port; point `TELEGRAM_API_BASE_URL` at `baseURL`.
public final class FakeTelegramBotAPI: Sendable {
    public let baseURL: URL
    public let state: FakeTelegramState

    init(baseURL: URL, state: FakeTelegramState) {
        self.baseURL = baseURL
        self.state = state
    }

    /// Every call received so far, in arrival order (failed ones included).
    public func calls(_ method: String? = nil) async -> [RecordedCall] {
        await state.calls.filter { method == nil || $0.method == method }
    }

    /// The `sendMessage` calls once at least `count` have arrived (or `timeout` passed), after
    /// `settle` more, long enough for a wrong extra message to arrive too.
    public func messages(
        atLeast count: Int, within timeout: Duration = .seconds(90), settle: Duration = .seconds(2)
    ) async throws -> [RecordedCall] {
        let end = ContinuousClock.now + timeout
        while await calls("sendMessage").count < count, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: settle)
        return await calls("sendMessage")
    }

    /// Answers the next `times` calls of `method` (optionally only those to `chatID`) with `failure`.
    public func fail(_ method: String, chatID: Int64? = nil, times: Int = 1, with failure: FakeFailure) async {
        await state.addRule(.init(method: method, chatID: chatID, remaining: times, failure: failure))
    }

    /// Every later call that addresses `chatID` answers 403, as when the user blocked the bot.
    public func block(chatID: Int64) async {
        await state.addRule(.init(method: nil, chatID: chatID, remaining: nil, failure: .blocked))
    }

    /// Runs the fake for the length of `body`.
    public static func withRunning<Result: Sendable>(
        acceptedTokens: Set<String>? = nil,
        _ body: @Sendable (FakeTelegramBotAPI) async throws -> Result
    ) async throws -> Result {
        let state = FakeTelegramState(acceptedTokens: acceptedTokens)
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: makeRouter(state: state),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            guard let port = await portStream.first(where: { _ in true }), port > 0 else {
                throw TestHarnessError("the fake Bot API did not start")
            }
            let fake = FakeTelegramBotAPI(baseURL: URL(string: "http://127.0.0.1:\(port)")!, state: state)
            return try await body(fake)
        }
    }

    private static func makeRouter(state: FakeTelegramState) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/:bot/:method") { request, context -> Response in
            let bot = context.parameters.get("bot") ?? ""
            let method = context.parameters.get("method") ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            let answer = await state.receive(bot: bot, method: method, body: Data(body.readableBytesView))
            return Response(
                status: .init(code: answer.status),
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
            )
        }
        return router
    }
}

/// One Bot API call as the fake received it.
public struct RecordedCall: Sendable {
    public let token: String
    public let method: String
    public let body: Data
    /// The HTTP status the fake answered with.
    public let status: Int
    public let receivedAt: ContinuousClock.Instant

    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    public var chatID: Int64? {
        switch json["chat_id"] {
        case let number as NSNumber: return number.int64Value
        case let string as String: return Int64(string)
        default: return nil
        }
    }

    public var text: String? { json["text"] as? String }
}

/// Failures Telegram really answers with (see shared/telegram/BOTAPI.md).
public enum FakeFailure: Sendable, Equatable {
    case tooManyRequests(retryAfter: Int)
    case blocked
    case badRequest(String)
    case serverError(status: Int)

    var answer: (status: Int, body: [String: Any]) {
        switch self {
        case .tooManyRequests(let seconds):
            return (
                429,
                [
                    "ok": false, "error_code": 429, "description": "Too Many Requests: retry after \(seconds)",
                    "parameters": ["retry_after": seconds],
                ]
            )
        case .blocked:
            return (403, ["ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"])
        case .badRequest(let description):
            return (400, ["ok": false, "error_code": 400, "description": "Bad Request: \(description)"])
        case .serverError(let status):
            return (status, ["ok": false, "error_code": status, "description": "Bad Gateway"])
        }
    }
}

/// The fake's memory: calls received, failure rules, message ids handed out.
public actor FakeTelegramState {
    struct Rule {
        let method: String?
        let chatID: Int64?
        /// nil: applies forever.
        var remaining: Int?
        let failure: FakeFailure

        func matches(method: String, chatID: Int64?) -> Bool {
            (self.method == nil || self.method == method) && (self.chatID == nil || self.chatID == chatID)
        }
    }

    private(set) var calls: [RecordedCall] = []
    private var rules: [Rule] = []
    private var nextMessageID = 1
    private let acceptedTokens: Set<String>?

    init(acceptedTokens: Set<String>?) {
        self.acceptedTokens = acceptedTokens
    }

    func addRule(_ rule: Rule) {
        rules.append(rule)
    }

    func receive(bot: String, method: String, body: Data) -> (status: Int, body: Data) {
        let token = bot.hasPrefix("bot") ? String(bot.dropFirst(3)) : bot
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let chatID = (json["chat_id"] as? NSNumber)?.int64Value ?? (json["chat_id"] as? String).flatMap { Int64($0) }

        let answer = answer(token: token, method: method, chatID: chatID, json: json)
        calls.append(RecordedCall(token: token, method: method, body: body, status: answer.status, receivedAt: .now))
        let data = (try? JSONSerialization.data(withJSONObject: answer.body)) ?? Data("{}".utf8)
        return (answer.status, data)
    }

    private func answer(token: String, method: String, chatID: Int64?, json: [String: Any]) -> (status: Int, body: [String: Any]) {
        if let acceptedTokens, !acceptedTokens.contains(token) {
            return (401, ["ok": false, "error_code": 401, "description": "Unauthorized"])
        }
        if let index = rules.firstIndex(where: { $0.matches(method: method, chatID: chatID) }) {
            let failure = rules[index].failure
            if let remaining = rules[index].remaining {
                if remaining <= 1 { rules.remove(at: index) } else { rules[index].remaining = remaining - 1 }
            }
            return failure.answer
        }
        switch method {
        case "sendMessage", "editMessageText":
            guard let chatID else {
                return FakeFailure.badRequest("chat not found").answer
            }
            guard let text = json["text"] as? String, !text.isEmpty else {
                return FakeFailure.badRequest("message text is empty").answer
            }
            let messageID = (json["message_id"] as? NSNumber)?.intValue ?? takeMessageID()
            let message: [String: Any] = [
                "message_id": messageID,
                "date": 1_764_000_000,
                "chat": ["id": chatID, "type": chatID > 0 ? "private" : "group"],
                "text": text,
            ]
            return (200, ["ok": true, "result": message])
        case "answerCallbackQuery", "setWebhook", "deleteWebhook", "setMyCommands", "setChatMenuButton":
            return (200, ["ok": true, "result": true])
        case "getMe":
            return (
                200,
                [
                    "ok": true,
                    "result": ["id": 7_000_000_001, "is_bot": true, "first_name": "Crema test bot", "username": "crema_test_bot"],
                ]
            )
        default:
            return (404, ["ok": false, "error_code": 404, "description": "Not Found: method not found"])
        }
    }

    private func takeMessageID() -> Int {
        defer { nextMessageID += 1 }
        return nextMessageID
    }
}
