import Foundation
import Hummingbird
import Runtime
import Store

/// In dev, Telegram's stand-in: `POST /dev/bot-api/bot<token>/<method>` stores the call in
/// PostgreSQL (the playground shows it) and answers the way the Bot API does. Calls with a token
/// that is neither bot's are refused with Telegram's 401, so misconfiguration shows.
struct DevBotAPIController {
    let telegram: AppConfiguration.TelegramConfiguration
    let calls: DevBotCalls
    let clock: AppClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("dev/bot-api/:bot/:method") { request, context -> Response in
            let path = context.parameters.get("bot") ?? ""
            let method = context.parameters.get("method") ?? ""
            let bot: OutboxStore.Bot
            switch path {
            case "bot" + telegram.clientBotToken: bot = .client
            case "bot" + telegram.staffBotToken: bot = .staff
            default: return Self.answer(401, ["ok": false, "error_code": 401, "description": "Unauthorized"])
            }
            let body = Data((try await request.body.collect(upTo: 1 << 20)).readableBytesView)
            let fields = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
            let chatID = (fields["chat_id"] as? NSNumber)?.int64Value
            let editedID = (fields["message_id"] as? NSNumber)?.int64Value
            let now = clock.now
            switch method {
            case "sendMessage", "editMessageText":
                guard let chatID, let text = fields["text"] as? String, !text.isEmpty else {
                    return Self.answer(400, ["ok": false, "error_code": 400, "description": "Bad Request: message text is empty"])
                }
                let id = try await calls.record(bot: bot, method: method, chatID: chatID, messageID: editedID, payload: body, at: now)
                let message: [String: Any] = [
                    "message_id": editedID ?? id, "date": Int(now.timeIntervalSince1970), "text": text,
                    "chat": ["id": chatID, "type": "private"],
                ]
                return Self.answer(200, ["ok": true, "result": message])
            case "answerCallbackQuery", "setWebhook", "deleteWebhook", "setMyCommands":
                _ = try await calls.record(bot: bot, method: method, chatID: chatID, messageID: nil, payload: body, at: now)
                return Self.answer(200, ["ok": true, "result": true])
            case "getMe":
                let name = bot == .client ? "crema_client_bot" : "crema_staff_bot"
                return Self.answer(
                    200,
                    [
                        "ok": true,
                        "result": [
                            "id": bot == .client ? 7_000_000_001 : 7_000_000_002, "is_bot": true, "first_name": name, "username": name,
                        ],
                    ])
            default:
                return Self.answer(404, ["ok": false, "error_code": 404, "description": "Not Found: method not found"])
            }
        }
    }

    static func answer(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
