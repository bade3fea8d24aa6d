import Foundation
import Store

/// What `scripts/test.sh` hands the suite: the throw-away cluster and the built binary.
public enum TestEnvironment {
    /// Superuser URL of the test cluster (`CREMA_TEST_DATABASE_URL`).
    public static func clusterURL() throws -> DatabaseURL {
        guard let raw = ProcessInfo.processInfo.environment["CREMA_TEST_DATABASE_URL"] else {
            throw TestHarnessError("CREMA_TEST_DATABASE_URL is not set: run the suite through scripts/test.sh")
        }
        return try DatabaseURL(raw)
    }

    /// The repository root, found from this file's location.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // CremaTestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    /// The `crema` executable built alongside the tests.
    public static var cremaBinary: URL {
        if let path = ProcessInfo.processInfo.environment["CREMA_BIN"] {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.appendingPathComponent(".build/debug/crema")
    }

    /// A scratch folder the postgres user can enter (test clusters live there).
    public static var workDirectory: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["CREMA_TEST_WORKDIR"] ?? NSTemporaryDirectory())
    }
}

public struct TestHarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
