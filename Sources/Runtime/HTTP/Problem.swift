import Foundation
import Hummingbird

/// An `application/problem+json` error (RFC 9457) with a stable machine `code`.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var title: String
    public var detail: String?

    public init(status: HTTPResponse.Status, code: String, title: String, detail: String? = nil) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
    }

    public static func notFound(_ detail: String? = nil) -> Problem {
        Problem(status: .notFound, code: "not_found", title: "Not found", detail: detail)
    }

    public static let databaseUnavailable = Problem(
        status: .serviceUnavailable, code: "database_unavailable", title: "Database unavailable",
        detail: "The service cannot reach its database right now. Retry shortly."
    )

    public static let internalError = Problem(
        status: .internalServerError, code: "internal_error", title: "Internal error",
        detail: "Something went wrong on our side. The request id identifies it in our logs."
    )

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String?
        let code: String
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, code
            case requestID = "request_id"
        }
    }

    public func response(requestID: String) -> Response {
        let body = Body(type: "/problems/\(code)", title: title, status: status.code, detail: detail, code: code, requestID: requestID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(body)) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
