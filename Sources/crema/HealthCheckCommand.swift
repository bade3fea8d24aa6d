import ArgumentParser
import Foundation
import Runtime

struct HealthCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exit 0 when the instance on this host answers /healthz with 200, else 1 (the container's health check)."
    )

    @Option(help: "The address to ask (default: http://127.0.0.1:$PORT/healthz, PORT defaulting to 8080).")
    var url: String?

    func run() async throws {
        let port = ProcessInfo.processInfo.environment["PORT"].flatMap(Int.init) ?? 8080
        let target = url ?? "http://127.0.0.1:\(port)/healthz"
        guard await HealthCheck.passes(target) else {
            FileHandle.standardError.write(Data("healthcheck: \(target) did not answer 200\n".utf8))
            throw ExitCode(1)
        }
    }
}
