import Domain
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// An error answered as `application/problem+json`, with a stable `code` and, for validation
/// errors, the `field` it is about.
struct APIProblem: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var title: String
    var detail: String?
    var field: String?
    var headers: HTTPFields = [:]

    static func invalid(_ field: String, _ detail: String) -> APIProblem {
        APIProblem(status: .badRequest, code: "invalid_request", title: "Invalid request", detail: "\(field): \(detail)", field: field)
    }

    static let unauthorized = APIProblem(
        status: .unauthorized, code: "unauthorized", title: "Unauthorized",
        detail: "A valid API key is required: Authorization: Bearer <key>.", headers: [HTTPField.Name("WWW-Authenticate")!: "Bearer"]
    )

    static let databaseUnavailable = APIProblem(
        status: .serviceUnavailable, code: "database_unavailable", title: "Database unavailable",
        detail: "The service cannot reach its database right now. Retry shortly.", headers: [.retryAfter: "1"]
    )

    static let internalError = APIProblem(
        status: .internalServerError, code: "internal_error", title: "Internal error",
        detail: "Something went wrong on our side. The request id identifies it in our logs."
    )

    static func missingScope(_ scope: String) -> APIProblem {
        APIProblem(status: .forbidden, code: "missing_scope", title: "Forbidden", detail: "This key lacks the scope \(scope).")
    }

    static func rateLimited(retryAfter seconds: Int) -> APIProblem {
        APIProblem(
            status: .tooManyRequests, code: "rate_limited", title: "Too many requests",
            detail: "Retry in \(seconds) seconds.", headers: [.retryAfter: String(seconds)]
        )
    }

    func response(requestID: String) -> (HTTPResponse, HTTPBody) {
        var body: [String: Any] = [
            "type": "/problems/\(code)", "title": title, "status": status.code, "code": code, "request_id": requestID,
        ]
        body["detail"] = detail
        body["field"] = field
        let bytes = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return (HTTPResponse(status: status, headerFields: fields), HTTPBody(bytes))
    }
}

extension APIProblem {
    /// The engine's refusals, by the HTTP status a client should act on.
    init(_ error: LoyaltyError) {
        let status: HTTPResponse.Status
        switch error {
        case .customerNotFound, .orderNotFound, .giftNotFound, .codeNotFound: status = .notFound
        case .codeExpired, .codeAlreadyUsed, .customerBlocked, .alreadyRegistered, .phoneTaken, .alreadyCancelled,
             .cancelWindowPassed, .giftAlreadyRedeemed, .giftExpired, .birthDateAlreadyChanged:
            status = .conflict
        case .insufficientPoints, .redeemAboveCap, .idempotencyKeyReused, .amountTooLarge:
            status = .unprocessableContent
        case .invalidAmount, .invalidPoints, .invalidPhone, .invalidBirthDate, .notYourSale:
            status = .badRequest
        }
        var detail: String?
        switch error {
        case .insufficientPoints(let balance): detail = "The balance is \(balance) points."
        case .redeemAboveCap(let maximum): detail = "At most \(maximum) points can be redeemed on this order."
        case .amountTooLarge(let maximum): detail = "The largest order is \(maximum.kopecks) kopecks."
        default: detail = nil
        }
        self.init(status: status, code: error.code, title: status.reasonPhrase, detail: detail)
    }
}
