import HTTPTypes
import Hummingbird
import Synchronization

/// Works out the client's IP address: the TCP peer, unless the peer is one of the trusted
/// proxies (nginx), in which case the last address nginx appended to `X-Forwarded-For`.
/// A header sent by anyone else is ignored, so a client cannot claim another address.
///
/// A proxy that forwards `X-Forwarded-For` without being trusted makes every client look like the
/// proxy, so per-address limits would lump everyone together: the first such request is logged
/// as a warning (once per process) when `warnsOfUntrustedProxies` is on (prod).
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let trustedProxies: Set<String>
    let warning: UntrustedProxyWarning?

    public init(trustedProxies: Set<String>, warnsOfUntrustedProxies: Bool = false) {
        self.trustedProxies = trustedProxies
        self.warning = warnsOfUntrustedProxies ? UntrustedProxyWarning() : nil
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let warning, let peer = context.peerAddress, !trustedProxies.contains(peer),
            request.headers[.xForwardedFor] != nil, warning.isFirst()
        {
            context.logger.warning(
                "a request came through a proxy that TRUSTED_PROXIES does not name; per-address limits see the proxy, not the client",
                metadata: ["peer": .string(peer)])
        }
        context.clientAddress = Self.clientAddress(
            peer: context.peerAddress, forwardedFor: request.headers[values: .xForwardedFor], trusted: trustedProxies
        )
        context.logger[metadataKey: "client_ip"] = .string(context.clientAddress ?? "unknown")
        return try await next(request, context)
    }

    static func clientAddress(peer: String?, forwardedFor: [String], trusted: Set<String>) -> String? {
        guard let peer, trusted.contains(peer) else { return peer }
        // nginx appends the address it saw; walk back past any other trusted hops.
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty && !trusted.contains(hop) {
            return hop
        }
        return peer
    }
}

extension HTTPField.Name {
    public static let xForwardedFor = Self("X-Forwarded-For")!
}

/// Remembers that the untrusted-proxy warning was given.
public final class UntrustedProxyWarning: Sendable {
    private let given = Atomic<Bool>(false)

    /// True exactly once.
    func isFirst() -> Bool {
        !given.exchange(true, ordering: .relaxed)
    }
}
