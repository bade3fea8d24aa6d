import Prometheus
import Store

/// The app's Prometheus registry and the instruments the runtime records into.
///
/// One registry per app value (not the process-wide `MetricsSystem`), so every test app has its own.
public struct AppMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    public init(version: String, maximumDatabaseConnections: Int) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        registry.makeGauge(
            name: "crema_build_info",
            labels: [("version", version), ("swift", Self.swiftVersion)],
            help: "Always 1; the labels say which build is running."
        ).set(to: 1.0)
        registry.makeGauge(
            name: "crema_db_pool_max_connections",
            help: "Connections the PostgreSQL pool may open."
        ).set(Double(maximumDatabaseConnections))
    }

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            name: "crema_http_requests_total",
            labels: [("route", route), ("method", method), ("status", String(status))],
            help: "HTTP requests answered, by route pattern, method and status."
        ).increment()
        registry.makeDurationHistogram(
            name: "crema_http_request_duration_seconds",
            labels: [("route", route), ("method", method)],
            buckets: Self.latencyBuckets,
            help: "Time from request head to response head, by route pattern."
        ).record(duration)
    }

    /// Pool hooks for `Database`: leases in use, time waited for a lease, failed connections.
    public var databaseObserver: DatabaseObserver {
        let inUse = registry.makeGauge(name: "crema_db_pool_connections_in_use", help: "Connections leased right now.")
        let wait = registry.makeDurationHistogram(
            name: "crema_db_pool_wait_seconds", buckets: Self.latencyBuckets, help: "Time spent waiting for a pooled connection."
        )
        let failures = registry.makeCounter(
            name: "crema_db_connection_failures_total", help: "Queries that failed because PostgreSQL could not be reached."
        )
        return DatabaseObserver(
            leased: { waited in
                inUse.increment()
                wait.record(waited)
            },
            released: { inUse.decrement() },
            connectionFailed: { failures.increment() }
        )
    }

    public func render() -> String {
        registry.emitToString()
    }

    static var swiftVersion: String {
        #if compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.x"
        #endif
    }
}
