import Foundation
import HTTPTypes
import Hummingbird

/// An `application/problem+json` error (RFC 9457) with a stable machine `code`, and, for
/// validation errors, the `field` it is about. One type for every route; the HTTP server's
/// routes answer it through `response(requestID:)`, the partner API through its own adapter.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var title: String
    public var detail: String?
    public var field: String?
    /// Extra response headers, such as `Retry-After`.
    public var headers: HTTPFields

    public init(
        status: HTTPResponse.Status, code: String, title: String, detail: String? = nil, field: String? = nil, headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.field = field
        self.headers = headers
    }

    public static func notFound(_ detail: String? = nil) -> Problem {
        Problem(status: .notFound, code: "not_found", title: "Not found", detail: detail)
    }

    public static func invalid(_ field: String, _ detail: String) -> Problem {
        Problem(status: .badRequest, code: "invalid_request", title: "Invalid request", detail: "\(field): \(detail)", field: field)
    }

    public static let databaseUnavailable = Problem(
        status: .serviceUnavailable, code: "database_unavailable", title: "Database unavailable",
        detail: "The service cannot reach its database right now. Retry shortly.", headers: [.retryAfter: "1"]
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
        let field: String?
        let code: String
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, field, code
            case requestID = "request_id"
        }
    }

    /// The JSON body, for any adapter.
    public func body(requestID: String) -> Data {
        let body = Body(
            type: "/problems/\(code)", title: title, status: status.code, detail: detail, field: field, code: code, requestID: requestID
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(body)) ?? Data()
    }

    /// The headers of the answer, with the problem+json content type.
    public var responseHeaders: HTTPFields {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return fields
    }

    public func response(requestID: String) -> Response {
        Response(status: status, headers: responseHeaders, body: .init(byteBuffer: ByteBuffer(bytes: body(requestID: requestID))))
    }
}
