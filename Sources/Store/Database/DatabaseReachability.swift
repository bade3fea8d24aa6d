import NIOCore
import NIOPosix

/// Whether PostgreSQL's address refuses TCP connections. When no pooled connection comes within
/// the lease deadline this tells the two reasons apart: a server that is away (refused at once)
/// is answered with "unavailable" now; otherwise the pool is only busy, or slow to open new
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

    /// True only when the address refuses a connection outright: PostgreSQL is not there. No
    /// answer within `timeout` is not taken as "away", since a server busy enough to drop new
    /// connections from a full backlog looks the same; the caller waits for it instead.
    public func isAway(within timeout: TimeAmount = .milliseconds(500)) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: host, port: port)
                .get()
            try? await channel.close()
            return false
        } catch ChannelError.connectTimeout {
            return false
        } catch {
            return true
        }
    }
}
