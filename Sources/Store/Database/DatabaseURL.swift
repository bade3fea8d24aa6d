import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL turned into client settings.
public struct DatabaseURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode

    /// As libpq names them: `require` encrypts without checking the server's certificate,
    /// `verify-full` also checks it against the system's trust roots and the host name.
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
        case verifyFull = "verify-full"

        /// Encrypted whatever the network does.
        public var isRequired: Bool { self == .require || self == .verifyFull }
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notAURL
        case wrongScheme(String)
        case missingHost
        case missingDatabase
        case badSSLMode(String)

        public var description: String {
            switch self {
            case .notAURL: return "is not a URL (expected postgres://user:password@host:5432/database)"
            case .wrongScheme(let scheme): return "must start with postgres:// or postgresql:// (got \(scheme)://)"
            case .missingHost: return "has no host"
            case .missingDatabase: return "has no database name after the host"
            case .badSSLMode(let mode): return "has sslmode=\(mode); use disable, prefer, require or verify-full"
            }
        }
    }

    public init(_ string: String) throws {
        guard let components = URLComponents(string: string), let scheme = components.scheme else {
            throw ParseError.notAURL
        }
        guard scheme == "postgres" || scheme == "postgresql" else { throw ParseError.wrongScheme(scheme) }
        guard let host = components.host, !host.isEmpty else { throw ParseError.missingHost }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw ParseError.missingDatabase }

        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard let tlsMode = TLSMode(rawValue: sslMode) else { throw ParseError.badSSLMode(sslMode) }

        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user?.removingPercentEncoding ?? "postgres"
        self.password = components.password?.removingPercentEncoding
        self.database = database.removingPercentEncoding ?? database
        self.tlsMode = tlsMode
    }

    /// The same server, another database (tests clone one per test).
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    public var string: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.host = host
        components.port = port
        components.user = username
        components.password = password
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: tlsMode.rawValue)]
        return components.string ?? ""
    }

    /// How a process uses its pool.
    public enum PoolUse: Sendable {
        /// A command or a test: connections opened on demand, closed after a minute idle, pinged
        /// while idle (PostgresNIO's defaults).
        case occasional
        /// A serving instance: no keep-alive ping, and idle connections closed after 10 s rather
        /// than 60. PostgresNIO times both with a sleeping task that it starts each time a
        /// connection goes back to the pool and cancels when it is lent again, and a cancelled
        /// sleep keeps its task and dispatch timer until the deadline it was set for (30 s and
        /// 60 s): heaptrack counted two per served request, about 100,000 alive at once under
        /// load, the anonymous memory that grew (bench/README.md, "memory"). With one timer of
        /// 10 s, at most about ten thousand are alive, and no connection idles long enough for a
        /// firewall to drop it unseen. (Keeping every connection open instead, with
        /// `minimumConnections`, left the pool unable to serve for 15 s after a PostgreSQL restart.)
        case serving
    }

    public func clientConfiguration(maximumConnections: Int, use: PoolUse = .occasional) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch tlsMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require:
            var unverified = TLSConfiguration.makeClientConfiguration()
            unverified.certificateVerification = .none
            tls = .require(unverified)
        case .verifyFull: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(3)
        if use == .serving {
            configuration.options.keepAliveBehavior = nil
            configuration.options.connectionIdleTimeout = .seconds(10)
        }
        return configuration
    }
}
