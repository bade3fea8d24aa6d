import Foundation
import Store

/// A PostgreSQL cluster of a test's own, for tests that stop and restart the server.
/// Made with the same script the developers' commands use (scripts/pg-cluster.sh).
public struct PrivateCluster: Sendable {
    public let directory: URL
    public let port: Int

    public var url: DatabaseURL {
        get throws { try DatabaseURL("postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable") }
    }

    public static func create() async throws -> PrivateCluster {
        let directory = TestEnvironment.workDirectory.appendingPathComponent("cluster-\(UUID().uuidString.prefix(8))")
        let port = try await ClusterScript.freePort()
        _ = try await script(["init", directory.path, String(port), "test"])
        let cluster = PrivateCluster(directory: directory, port: port)
        try await cluster.start()
        return cluster
    }

    public func start() async throws { _ = try await Self.script(["start", directory.path]) }
    public func stop() async throws { _ = try await Self.script(["stop", directory.path]) }

    public func destroy() async {
        try? await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    static func script(_ arguments: [String]) async throws -> String {
        try await ClusterScript.run(arguments)
    }
}

/// Runs scripts/pg-cluster.sh. Output goes to a file, not a pipe: the postmaster it starts would
/// inherit a pipe's write end and keep it open, so reading to end-of-file would never finish.
public enum ClusterScript {
    public static func run(_ arguments: [String]) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [TestEnvironment.repositoryRoot.appendingPathComponent("scripts/pg-cluster.sh").path] + arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        while process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
        }
        guard process.terminationStatus == 0 else {
            throw TestHarnessError("pg-cluster.sh \(arguments.joined(separator: " ")) failed with \(process.terminationStatus)")
        }
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }

    public static func freePort() async throws -> Int {
        try Int(try await run(["free-port"]).trimmingCharacters(in: .whitespacesAndNewlines)).unwrap("free port")
    }
}

extension Optional {
    public func unwrap(_ what: String) throws -> Wrapped {
        guard let self else { throw TestHarnessError("missing \(what)") }
        return self
    }
}
