import Hummingbird

/// The request context every route receives: Hummingbird's core storage plus the request id
/// that ties log lines, responses and audit rows together.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    /// The TCP peer: nginx in production, the client itself in direct tests.
    public let peerAddress: String?
    /// The client's address: the peer, or what a trusted proxy forwarded (`ClientAddressMiddleware`).
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.clientAddress = self.peerAddress
    }
}
