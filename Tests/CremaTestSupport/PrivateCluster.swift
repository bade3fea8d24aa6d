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
        let port = try await Int(script(["free-port"]).trimmingCharacters(in: .whitespacesAndNewlines)).unwrap("free port")
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [TestEnvironment.repositoryRoot.appendingPathComponent("scripts/pg-cluster.sh").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestHarnessError("pg-cluster.sh \(arguments.joined(separator: " ")) failed with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Optional {
    func unwrap(_ what: String) throws -> Wrapped {
        guard let self else { throw TestHarnessError("missing \(what)") }
        return self
    }
}
