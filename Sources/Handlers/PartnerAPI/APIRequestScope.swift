import Logging
import Store

/// What the partner API's middlewares learn about a request and its handlers need: the request
/// id (for problem bodies and logs) and, once authenticated, the API key. The OpenAPI transport
/// passes handlers only the HTTP request, so these travel as task-locals.
enum APIRequestScope {
    @TaskLocal static var requestID = ""
    @TaskLocal static var logger = Logger(label: "crema.api")
    @TaskLocal static var apiKey: APIKey?
    /// For a sale, what the admission's round trip found under the request's `Idempotency-Key`.
    @TaskLocal static var idempotencyLookup: IdempotencyLookup?
}

/// An `Idempotency-Key` looked up with the request's admission, and what an earlier request with
/// it left (nil: nothing yet).
struct IdempotencyLookup: Sendable {
    var key: String
    var earlier: IdempotencyStore.Record?
}
