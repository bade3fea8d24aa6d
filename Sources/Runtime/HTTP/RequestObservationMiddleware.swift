import Hummingbird

/// Records every request in the metrics (by route pattern, never the raw path, so the label
/// set stays small) and writes one access log line.
public struct RequestObservationMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let metrics: AppMetrics

    public init(metrics: AppMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Errors are turned into responses further in; anything reaching here is still counted.
            observe(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, started: started)
            throw error
        }
        observe(request, context: context, status: response.status.code, started: started)
        return response
    }

    /// The path as a log line may show it: a Bot API path carries the bot's token
    /// (`/dev/bot-api/bot<token>/sendMessage`), which is masked.
    static func loggable(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("bot") && segment.contains(":") ? "bot***" : String(segment)
        }.joined(separator: "/")
    }

    private func observe(_ request: Request, context: Context, status: Int, started: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: status, duration: duration)
        let milliseconds = Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(Self.loggable(request.uri.path)),
                "route": .string(route),
                "status": .stringConvertible(status),
                "duration_ms": .stringConvertible((milliseconds * 100).rounded() / 100),
            ]
        )
    }
}
