import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Calls the Telegram Bot API (`POST {base}/bot{token}/{method}` with a JSON body) on
/// AsyncHTTPClient and turns Telegram's error answers into `BotAPIError`.
public struct BotAPIClient: Sendable {
    let http: HTTPClient
    let baseURL: URL
    let token: String
    let timeout: TimeAmount

    public init(http: HTTPClient, baseURL: URL, token: String, timeout: TimeAmount = .seconds(10)) {
        self.http = http
        self.baseURL = baseURL
        self.token = token
        self.timeout = timeout
    }

    /// Calls `method` with a JSON object body and returns Telegram's `result` as raw JSON.
    public func call(_ method: String, json body: Data) async throws(BotAPIError) -> Data {
        var request = HTTPClientRequest(url: baseURL.appendingPathComponent("bot\(token)").appendingPathComponent(method).absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))

        let status: Int
        let answer: Data
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            answer = Data((try await response.body.collect(upTo: 4 << 20)).readableBytesView)
        } catch {
            throw .transport(String(describing: error))
        }

        let object = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any]
        if status == 200, object?["ok"] as? Bool == true {
            return (try? JSONSerialization.data(withJSONObject: object?["result"] ?? NSNull(), options: .fragmentsAllowed)) ?? Data()
        }
        let description = object?["description"] as? String ?? "HTTP \(status)"
        let retryAfter = ((object?["parameters"] as? [String: Any])?["retry_after"] as? NSNumber)?.intValue
        switch status {
        case 429: throw .tooManyRequests(retryAfter: max(1, retryAfter ?? 1))
        case 403: throw .forbidden(description)
        case 400: throw .badRequest(description)
        case 401: throw .unauthorized
        default: throw .server(status: status, description)
        }
    }

    public func call(_ method: String, _ body: some Encodable) async throws(BotAPIError) -> Data {
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw .badRequest("could not encode \(method): \(error)")
        }
        return try await call(method, json: data)
    }
}
