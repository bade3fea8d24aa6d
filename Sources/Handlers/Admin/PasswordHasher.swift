import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on NIO's blocking thread pool: a check takes a quarter of a second of CPU, which
/// must not stall the event loops or the cooperative pool.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Checked against when the email is unknown, so a wrong email takes as long as a wrong password.
    static let decoy = "$2b$12$5G3lwFL9yyY/pPf6c9.cmeUiniXgYRn7mxCz8CyIHvlCPFnKrMZEm"

    /// Passwords shorter than this are refused when an admin is created.
    public static let minimumLength = 10
}
