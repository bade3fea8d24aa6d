import Crypto
import Domain
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Runtime
import Store

/// Checks the bearer key, counts the request against the key's limits and checks the
/// operation's scope, then runs the rest with the key in scope. The key look-up and the counters
/// (kept in PostgreSQL, so they hold across instances, and reserved by blocks: `ReservedHits`)
/// are one round trip.
struct APIAdmissionMiddleware: ServerMiddleware {
    let keys: APIKeyStore
    let clock: AppClock

    /// The scope each operation needs.
    static let requiredScope: [String: String] = [
        "registerCustomer": "customers:write", "findCustomerByPhone": "customers:read", "getCustomer": "customers:read",
        "issueCode": "codes:write", "listCustomerOrders": "orders:read", "getOrder": "orders:read",
        "quoteOrder": "orders:write", "createOrder": "orders:write", "cancelOrder": "orders:write", "refundOrder": "orders:write",
        "createReview": "feedback:write", "createIdea": "feedback:write",
        "getGiftCatalog": "gifts:read", "listCustomerGifts": "gifts:read", "issueGift": "gifts:write", "redeemGift": "gifts:write",
        "getAnalyticsSummary": "analytics:read", "listWebhooks": "webhooks:read", "listCampaigns": "campaigns:read",
    ]

    /// Every request counts against the general limit; registrations and profile reads also
    /// against their own.
    static let generalLimit = APIKeyStore.Limit(setting: "api_requests_per_minute", fallback: 600)
    static let specificLimit: [String: APIKeyStore.Limit] = [
        "registerCustomer": .init(setting: "api_registrations_per_minute", fallback: 5),
        "getCustomer": .init(setting: "api_profile_reads_per_minute", fallback: 30),
        "findCustomerByPhone": .init(setting: "api_profile_reads_per_minute", fallback: 30),
    ]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let header = request.headerFields[.authorization] ?? ""
        let parts = header.split(separator: " ", maxSplits: 1)
        let limits = [Self.generalLimit] + (Self.specificLimit[operationID].map { [$0] } ?? [])
        // A sale's earlier answer, if any, is read in the admission's own round trip.
        let idempotencyKey =
            IdempotencyMiddleware.engineKeyed.contains(operationID)
            ? request.headerFields[IdempotencyMiddleware.header].flatMap { (1...200).contains($0.count) ? $0 : nil } : nil
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].count <= 200,
            let admission = try await keys.admit(String(parts[1]), limits: limits, idempotencyKey: idempotencyKey, at: clock.now),
            !admission.key.revoked
        else { return Problem.unauthorized.openAPIResponse(requestID: APIRequestScope.requestID) }
        if let wait = admission.retryAfter {
            return Problem.rateLimited(retryAfter: Int(wait)).openAPIResponse(requestID: APIRequestScope.requestID)
        }
        let scope = Self.requiredScope[operationID] ?? "admin"
        guard admission.key.scopes.contains(scope) else {
            return Problem.missingScope(scope).openAPIResponse(requestID: APIRequestScope.requestID)
        }
        let lookup = idempotencyKey.map { IdempotencyLookup(key: $0, earlier: admission.earlier) }
        return try await APIRequestScope.$apiKey.withValue(admission.key) {
            try await APIRequestScope.$idempotencyLookup.withValue(lookup) {
                try await next(request, body, metadata)
            }
        }
    }
}

/// `Idempotency-Key` on the POSTs that change money, points or gifts: the first request's
/// answer is stored; the same key with the same request gets it again, with another request 422.
struct IdempotencyMiddleware: ServerMiddleware {
    let store: IdempotencyStore
    let clock: AppClock

    static let operations: Set<String> = ["createOrder", "cancelOrder", "refundOrder", "issueGift", "redeemGift"]
    /// Operations the engine itself keeps exactly-once under the request's key, so a retry may run
    /// while an earlier attempt's record still says "in flight" instead of waiting it out.
    static let engineKeyed: Set<String> = ["createOrder"]
    static let header = HTTPField.Name("Idempotency-Key")!

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard Self.operations.contains(operationID), let apiKey = APIRequestScope.apiKey else {
            return try await next(request, body, metadata)
        }
        let requestID = APIRequestScope.requestID
        guard let key = request.headerFields[Self.header], (1...200).contains(key.count) else {
            return Problem.invalid("Idempotency-Key", "this header is required (1–200 characters), e.g. a UUID per intended change")
                .openAPIResponse(requestID: requestID)
        }
        var bytes = Data()
        if let body { bytes = try await Data(collecting: body, upTo: APIBodyLimit.bytes) }
        if Self.engineKeyed.contains(operationID), let lookup = APIRequestScope.idempotencyLookup, lookup.key == key {
            return try await answerEngineKeyed(
                request, bytes: bytes, metadata: metadata, apiKey: apiKey, key: key, operationID: operationID, earlier: lookup.earlier,
                next: next)
        }
        let hash = Self.fingerprint(operationID: operationID, path: request.path, body: bytes)
        switch try await store.claim(apiKeyID: apiKey.id, key: key, requestHash: hash, at: clock.now) {
        case .replay(let status, let stored):
            return Self.replay(status: status, body: stored)
        case .mismatch:
            return Self.mismatch(requestID: requestID)
        case .inFlight where Self.engineKeyed.contains(operationID):
            // The record may be left by a request whose instance or database went away mid-sale;
            // the engine's own key (`api:<key>:<Idempotency-Key>`) still makes one order of both.
            break
        case .inFlight:
            return Problem(
                status: .conflict, code: "idempotency_key_in_flight", title: "Conflict",
                detail: "A request with this Idempotency-Key is still being processed; retry shortly."
            )
            .openAPIResponse(requestID: requestID)
        case .proceed:
            break
        }
        do {
            let (response, responseBody) = try await next(request, HTTPBody(bytes), metadata)
            var answer = Data()
            if let responseBody { answer = try await Data(collecting: responseBody, upTo: 1 << 20) }
            if response.status.code < 500 {
                try await store.complete(apiKeyID: apiKey.id, key: key, status: response.status.code, body: answer)
            } else {
                try? await store.release(apiKeyID: apiKey.id, key: key)
            }
            return (response, HTTPBody(answer))
        } catch {
            try? await store.release(apiKeyID: apiKey.id, key: key)
            throw error
        }
    }

    /// A sale keeps itself exactly once under the request's key (its order carries the key and
    /// the request's fingerprint), so it needs no record claimed before and completed after: the
    /// admission already read any earlier answer, and only a refusal, which leaves no order, is
    /// kept here, in one write. Five round trips a sale instead of seven. The body's fingerprint
    /// is needed only then, or against an earlier answer, so a sale that goes through never
    /// computes it (canonical JSON through Foundation was 6 % of the server's CPU per sale).
    private func answerEngineKeyed(
        _ request: HTTPRequest, bytes: Data, metadata: ServerRequestMetadata, apiKey: APIKey, key: String, operationID: String,
        earlier: IdempotencyStore.Record?,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let hash = { Self.fingerprint(operationID: operationID, path: request.path, body: bytes) }
        if let earlier {
            guard earlier.requestHash == hash() else { return Self.mismatch(requestID: APIRequestScope.requestID) }
            // A record still "in flight" was left by an attempt that died; the engine's key decides.
            if let status = earlier.status { return Self.replay(status: status, body: earlier.body ?? Data()) }
        }
        let (response, responseBody) = try await next(request, HTTPBody(bytes), metadata)
        var answer = Data()
        if let responseBody { answer = try await Data(collecting: responseBody, upTo: 1 << 20) }
        // "Key reused with another sale" belongs to that other request, not to this key's first one.
        if (400..<500).contains(response.status.code), Self.problemCode(answer) != LoyaltyError.idempotencyKeyReused.code {
            try await store.record(
                apiKeyID: apiKey.id, key: key, requestHash: hash(), status: response.status.code, body: answer, at: clock.now)
        }
        return (response, HTTPBody(answer))
    }

    static func replay(status: Int, body: Data) -> (HTTPResponse, HTTPBody?) {
        var fields = HTTPFields()
        fields[.contentType] = status >= 400 ? "application/problem+json" : "application/json"
        fields[HTTPField.Name("Idempotent-Replayed")!] = "true"
        return (HTTPResponse(status: .init(code: status), headerFields: fields), HTTPBody(body))
    }

    static func mismatch(requestID: String) -> (HTTPResponse, HTTPBody?) {
        Problem(
            status: .unprocessableContent, code: LoyaltyError.idempotencyKeyReused.code, title: "Unprocessable",
            detail: "This Idempotency-Key was used with a different request.", field: "Idempotency-Key"
        )
        .openAPIResponse(requestID: requestID)
    }

    static func problemCode(_ body: Data) -> String? {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["code"] as? String
    }

    /// What makes two requests under one key the same request: the operation, its path and its
    /// body as canonical JSON.
    static func fingerprint(operationID: String, path: String?, body: Data) -> Data {
        var fingerprint = SHA256()
        fingerprint.update(data: Data("\(operationID) \(path ?? "")\n".utf8))
        fingerprint.update(data: canonical(body))
        return Data(fingerprint.finalize())
    }

    /// The same JSON with keys in another order or other spacing is the same request.
    static func canonical(_ body: Data) -> Data {
        guard let object = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
            let sorted = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        else { return body }
        return sorted
    }
}

/// Turns what handlers and the generated decoding throw into problem+json answers: the engine's
/// refusals by their code, malformed input as 400 naming the field.
struct APIProblemMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            if let problem = Self.problem(for: error) {
                return problem.openAPIResponse(requestID: APIRequestScope.requestID)
            }
            let underlying = (error as? ServerError)?.underlyingError ?? error
            if underlying.isConnectionFailure {
                APIRequestScope.logger.warning("database unreachable", metadata: ["error": "\(LoggedError.describe(underlying))"])
                return Problem.databaseUnavailable.openAPIResponse(requestID: APIRequestScope.requestID)
            }
            APIRequestScope.logger.error("unhandled error", metadata: ["error": "\(LoggedError.describe(underlying))"])
            return Problem.internalError.openAPIResponse(requestID: APIRequestScope.requestID)
        }
    }

    static func problem(for error: any Error) -> Problem? {
        let underlying = (error as? ServerError)?.underlyingError ?? error
        if let problem = underlying as? Problem { return problem }
        if let refusal = underlying as? LoyaltyError { return Problem(refusal) }
        if underlying.isConnectionFailure { return nil }
        if underlying.isRefusedValue {
            return Problem(
                status: .badRequest, code: "invalid_request", title: "Invalid request",
                detail: "A value cannot be stored as sent (for example, text with a NUL character).")
        }
        if let decoding = underlying as? DecodingError { return decodingProblem(decoding) }
        let description = String(describing: underlying)
        if description.localizedCaseInsensitiveContains("content type") {
            return Problem(
                status: .unsupportedMediaType, code: "unsupported_media_type", title: "Unsupported media type",
                detail: "Send the body as application/json.")
        }
        if description.localizedCaseInsensitiveContains("too large") || description.localizedCaseInsensitiveContains("too many bytes") {
            return Problem(
                status: .contentTooLarge, code: "payload_too_large", title: "Request body too large",
                detail: "Bodies are limited to \(APIBodyLimit.bytes) bytes.")
        }
        if let serverError = error as? ServerError, !serverError.wrapsOurOwnError {
            // Missing or malformed parameters and bodies the generated code refused.
            return Problem(
                status: .badRequest, code: "invalid_request", title: "Invalid request",
                detail: serverError.causeDescription + ": " + description)
        }
        return nil
    }

    static func decodingProblem(_ error: DecodingError) -> Problem {
        let path: [any CodingKey]
        let detail: String
        switch error {
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
            detail = "is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
            detail = context.debugDescription
        @unknown default:
            return Problem(status: .badRequest, code: "invalid_request", title: "Invalid request", detail: "\(error)")
        }
        let field = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return .invalid(field.isEmpty ? "body" : field, detail)
    }
}

extension ServerError {
    /// The generated code wraps what our handlers and middlewares throw with these causes;
    /// anything else it threw itself, while reading parameters and bodies.
    var wrapsOurOwnError: Bool {
        causeDescription.hasPrefix("User handler threw an error") || causeDescription.hasPrefix("Middleware of type")
    }
}

enum APIBodyLimit {
    static let bytes = 64 * 1024
}
