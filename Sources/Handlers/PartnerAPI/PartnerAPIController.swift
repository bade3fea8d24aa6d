import Foundation
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
import PartnerAPIContract
import Runtime
import Store

/// Mounts the generated partner API under `/api/v1` with its middlewares, serves the contract at
/// `/openapi.yaml`, and the interactive docs at `/docs` when enabled.
struct PartnerAPIController {
    let configuration: AppConfiguration
    let dependencies: AppDependencies

    func addRoutes(to router: Router<AppRequestContext>) throws {
        let database = dependencies.database
        let logger = dependencies.logger
        let api = PartnerAPI(
            store: dependencies.store, analytics: AnalyticsStore(database: database, logger: logger), clock: dependencies.clock
        )
        let group = router.group("api/v1").add(middleware: APIRequestScopeMiddleware())
        try api.registerHandlers(
            on: group, serverURL: URL(string: "/")!,
            // Compact JSON: the pretty-printed default cost the encoder indentation on every answer.
            configuration: Configuration(dateTranscoder: InternetDateTranscoder(), jsonEncodingOptions: [.sortedKeys]),
            middlewares: [
                // Outermost: failures of the key, rate-limit and idempotency checks themselves
                // (a database that went away) become problems too.
                APIProblemMiddleware(),
                // One reserve of rate-limit hits for this instance's life: most requests count
                // against their limits without a write.
                APIAdmissionMiddleware(
                    keys: APIKeyStore(database: database, logger: logger, reservedHits: ReservedHits()), clock: dependencies.clock),
                IdempotencyMiddleware(store: IdempotencyStore(database: database, logger: logger), clock: dependencies.clock),
                // Innermost: the handler's refusals become answers the idempotency record can keep.
                APIProblemMiddleware(),
            ])

        let contract = try PartnerAPIDocument.yaml()
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: contract))
            )
        }
        if configuration.docsEnabled {
            try addDocs(to: router)
        }
    }

    /// Swagger UI from files shipped in the repository (no CDN), reading `/openapi.yaml`.
    private func addDocs(to router: Router<AppRequestContext>) throws {
        try BundledFiles(
            folder: "docs", path: "docs", index: "index.html",
            files: [
                ("index.html", "text/html; charset=utf-8"), ("swagger-ui.css", "text/css"),
                ("swagger-ui-bundle.js", "text/javascript"), ("start.js", "text/javascript"),
            ],
            headers: [
                .cacheControl: "public, max-age=3600",
                .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
            ]
        ).addRoutes(to: router)
    }
}

/// Carries the request id and logger to the generated handlers, and caps the body size.
struct APIRequestScopeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > APIBodyLimit.bytes {
            throw HTTPError(.contentTooLarge, message: "Bodies are limited to \(APIBodyLimit.bytes) bytes.")
        }
        var request = request
        _ = try await request.collectBody(upTo: APIBodyLimit.bytes)
        return try await APIRequestScope.$requestID.withValue(context.requestID) {
            try await APIRequestScope.$logger.withValue(context.logger) {
                try await next(request, context)
            }
        }
    }
}

/// CORS for `/api/` from the configured origins only; preflights are answered here.
struct APICORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let allowedOrigins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/"), let origin = request.headers[.origin] else {
            return try await next(request, context)
        }
        let permitted = allowedOrigins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers: HTTPFields = [.vary: "Origin"]
            if permitted {
                headers[.accessControlAllowOrigin] = origin
                headers[.accessControlAllowMethods] = "GET, POST, OPTIONS"
                headers[.accessControlAllowHeaders] = "Authorization, Content-Type, Idempotency-Key"
                headers[.accessControlMaxAge] = "600"
            }
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if permitted {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = "Retry-After, X-Request-Id, Idempotent-Replayed"
            response.headers[.vary] = "Origin"
        }
        return response
    }
}
