import NIOCore
import NIOPosix

/// Whether PostgreSQL's address accepts a TCP connection at all. When no pooled connection comes
/// within the lease deadline this tells the two reasons apart: a server that is away (refused at
/// once) is answered with "unavailable" now; a reachable one is only busy, or slow to hand out new
/// connections, and worth waiting for a while longer.
public struct DatabaseReachability: Sendable {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(_ url: DatabaseURL) {
        self.init(host: url.host, port: url.port)
    }

    public func answers(within timeout: TimeAmount = .milliseconds(500)) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: host, port: port)
                .get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}
