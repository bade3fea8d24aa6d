import HTTPTypes
import Hummingbird

/// Works out the client's IP address: the TCP peer, unless the peer is one of the trusted
/// proxies (nginx), in which case the last address nginx appended to `X-Forwarded-For`.
/// A header sent by anyone else is ignored, so a client cannot claim another address.
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let trustedProxies: Set<String>

    public init(trustedProxies: Set<String>) {
        self.trustedProxies = trustedProxies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
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
