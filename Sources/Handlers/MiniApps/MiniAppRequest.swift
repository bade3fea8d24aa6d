import Foundation
import Hummingbird
import Runtime

/// What every Mini App API call shares: the caller proven by the init data in
/// `Authorization: tma <init data>` (no cookies, no other login), JSON in and out.
struct MiniAppRequest {
    /// How long init data stays good after Telegram signed it: a shift-long till, or a card left
    /// open for a day, is asked to reopen rather than trusted forever.
    static let maximumAge: TimeInterval = 24 * 60 * 60

    let botToken: String
    let clock: AppClock

    func caller(_ request: Request) throws -> WebAppInitData {
        guard let header = request.headers[.authorization], header.hasPrefix("tma ") else {
            throw Self.unauthorized(Self.openFromTheBot)
        }
        do {
            return try WebAppInitData(
                validating: String(header.dropFirst(4)), botToken: botToken, now: clock.now, maximumAge: Self.maximumAge)
        } catch .tooOld {
            throw Self.unauthorized(Self.openTooLong)
        } catch {
            throw Self.unauthorized(Self.openFromTheBot)
        }
    }

    func body<Body: Decodable>(_ request: Request, as type: Body.Type) async throws -> Body {
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Body.self, from: Data(buffer: buffer))
        } catch {
            throw Problem(
                status: .badRequest, code: "invalid_body", title: "Invalid body", detail: "The request body is not what this call takes.")
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // Init data that fails the check cannot be trusted to say the user's language: both, Russian first.
    static let openFromTheBot = "Откройте эту страницу из бота в Telegram. · Open this page from the bot in Telegram."
    static let openTooLong =
        "Страница открыта слишком долго: закройте её и откройте снова из бота. · "
        + "This page has been open too long. Close it and open it again from the bot."

    static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, code: "init_data_invalid", title: "Not signed in", detail: detail)
    }

    /// A refusal the app shows as it is: `detail` is already in the caller's language.
    static func refusal(_ detail: String, code: String, status: HTTPResponse.Status = .unprocessableContent) -> Problem {
        Problem(status: status, code: code, title: "Refused", detail: detail)
    }
}
