import AsyncHTTPClient
import Foundation
import NIOCore

/// Asks a running instance whether it is alive (`GET /healthz`), for container health checks
/// that have no shell tools to do it with.
public enum HealthCheck {
    /// True when `url` answers 200 within `timeout`.
    public static func passes(_ url: String, timeout: TimeAmount = .seconds(2), http: HTTPClient = .shared) async -> Bool {
        let request = HTTPClientRequest(url: url)
        guard let response = try? await http.execute(request, timeout: timeout) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status == .ok
    }
}
