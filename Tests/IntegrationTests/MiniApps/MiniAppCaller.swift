import CremaTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Runtime

/// Someone inside a Mini App: every call carries init data signed with the bot's token for this
/// Telegram user at the app's clock, as Telegram would hand it to the page.
struct MiniAppCaller: Sendable {
    struct Answer: Sendable {
        let status: Int
        let body: Data
        let headers: HTTPFields
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var detail: String? { json["detail"] as? String }
        var code: String? { json["code"] as? String }
    }

    let client: any TestClientProtocol
    let botToken: String
    let userID: Int64
    let firstName: String
    let signedAt: Date

    static func guest(_ app: TestApp, _ client: any TestClientProtocol, userID: Int64, name: String = "Мария") -> MiniAppCaller {
        MiniAppCaller(
            client: client, botToken: app.configuration.telegram.clientBotToken, userID: userID, firstName: name, signedAt: app.clock.now)
    }

    static func staff(_ app: TestApp, _ client: any TestClientProtocol, userID: Int64, name: String = "Олег") -> MiniAppCaller {
        MiniAppCaller(
            client: client, botToken: app.configuration.telegram.staffBotToken, userID: userID, firstName: name, signedAt: app.clock.now)
    }

    var initData: String {
        let user = #"{"id":\#(userID),"first_name":"\#(firstName)","language_code":"ru"}"#
        return WebAppInitData.signed(
            ["user": user, "auth_date": String(Int(signedAt.timeIntervalSince1970)), "query_id": "AAHtest"], botToken: botToken)
    }

    func get(_ path: String, authorization: String? = nil) async throws -> Answer {
        try await send(.get, path, body: nil, authorization: authorization)
    }

    func post(_ path: String, _ body: [String: Any] = [:], authorization: String? = nil) async throws -> Answer {
        try await send(.post, path, body: try JSONSerialization.data(withJSONObject: body), authorization: authorization)
    }

    func post(_ path: String, raw body: Data) async throws -> Answer {
        try await send(.post, path, body: body, authorization: nil)
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, body: Data?, authorization: String?) async throws -> Answer {
        var headers: HTTPFields = [.authorization: authorization ?? "tma \(initData)"]
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        return Answer(status: Int(response.status.code), body: Data(buffer: response.body), headers: response.headers)
    }
}
