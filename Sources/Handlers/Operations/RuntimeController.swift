import Hummingbird
import Runtime

/// `/healthz`, `/readyz` and `/metrics`: what load balancers and Prometheus ask.
struct RuntimeController {
    let readiness: ReadinessProbe
    let metrics: AppMetrics

    struct HealthStatus: ResponseEncodable {
        let status: String
        var reason: String? = nil
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ in
            HealthStatus(status: "ok")
        }
        router.get("readyz") { _, context -> EditedResponse<HealthStatus> in
            switch await readiness.check(logger: context.logger) {
            case .ready:
                return EditedResponse(headers: [.cacheControl: "no-store"], response: HealthStatus(status: "ready"))
            case .unavailable(let reason):
                return EditedResponse(
                    status: .serviceUnavailable,
                    headers: [.cacheControl: "no-store"],
                    response: HealthStatus(status: "unavailable", reason: reason)
                )
            }
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render()))
            )
        }
    }
}
