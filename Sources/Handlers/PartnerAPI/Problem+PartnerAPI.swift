import Domain
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Runtime
import Store

/// The partner API's problems, and the adapter that answers them through the OpenAPI runtime.
extension Problem {
    static let unauthorized = Problem(
        status: .unauthorized, code: "unauthorized", title: "Unauthorized",
        detail: "A valid API key is required: Authorization: Bearer <key>.", headers: [HTTPField.Name("WWW-Authenticate")!: "Bearer"]
    )

    /// Spending a guest's points or gifts without their code.
    static let codeRequired = Problem(
        status: .forbidden, code: "code_required", title: "Forbidden",
        detail: "Spending points or gifts needs the guest's payment code (or the scope \(APIKey.redeemWithoutCode)).")

    static func missingScope(_ scope: String) -> Problem {
        Problem(status: .forbidden, code: "missing_scope", title: "Forbidden", detail: "This key lacks the scope \(scope).")
    }

    static func rateLimited(retryAfter seconds: Int) -> Problem {
        Problem(
            status: .tooManyRequests, code: "rate_limited", title: "Too many requests",
            detail: "Retry in \(seconds) seconds.", headers: [.retryAfter: String(seconds)]
        )
    }

    func openAPIResponse(requestID: String) -> (HTTPResponse, HTTPBody) {
        (HTTPResponse(status: status, headerFields: responseHeaders), HTTPBody(body(requestID: requestID)))
    }

    /// The engine's refusals, by the HTTP status a client should act on.
    init(_ error: LoyaltyError) {
        let status: HTTPResponse.Status
        switch error {
        case .customerNotFound, .orderNotFound, .giftNotFound, .codeNotFound: status = .notFound
        case .codeExpired, .codeAlreadyUsed, .codeInUse, .customerBlocked, .alreadyRegistered, .phoneTaken, .alreadyCancelled,
            .importedOrder, .cancelWindowPassed, .refundAboveOrder, .giftAlreadyRedeemed, .giftExpired, .birthDateAlreadyChanged:
            status = .conflict
        case .insufficientPoints, .redeemAboveCap, .idempotencyKeyReused, .amountTooLarge:
            status = .unprocessableContent
        case .invalidAmount, .invalidPoints, .invalidPhone, .invalidBirthDate, .notYourSale, .notYourLocation:
            status = .badRequest
        case .refundNeedsManager:
            status = .forbidden
        }
        var detail: String?
        switch error {
        case .insufficientPoints(let balance): detail = "The balance is \(balance) points."
        case .redeemAboveCap(let maximum): detail = "At most \(maximum) points can be redeemed on this order."
        case .amountTooLarge(let maximum): detail = "The largest order is \(maximum.kopecks) kopecks."
        case .refundAboveOrder(let refundable): detail = "At most \(refundable.kopecks) kopecks of this order are left to refund."
        default: detail = nil
        }
        self.init(status: status, code: error.code, title: status.reasonPhrase, detail: detail)
    }
}
