import ArgumentParser
import Foundation
import Handlers
import Hummingbird
import Runtime
import ServiceLifecycle
import Store

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server (bot webhooks, partner API, admin panel) and background jobs until SIGTERM or SIGINT."
    )

    @Flag(help: "Apply pending migrations before serving instead of refusing to start.")
    var migrate = false

    func run() async throws {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        let bootstrap = Bootstrap.load(label: "crema", announcingGeneratedSecrets: true, talksToTelegram: true, serving: true)
        try await bootstrap.reportingFailures {
            let app = try buildApplication(
                configuration: bootstrap.configuration,
                dependencies: bootstrap.dependencies(migrator: Migrator(migrations: try Migration.bundled())),
                schemaPolicy: migrate ? .migrate : .requireCurrent
            )
            // A request stuck on a database call that never returns would otherwise hold SIGTERM
            // forever: after 20 s the group is cancelled, and after 5 more the process ends.
            var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: bootstrap.logger)
            group.maximumGracefulShutdownDuration = .seconds(20)
            group.maximumCancellationDuration = .seconds(5)
            try await ServiceGroup(configuration: group).run()
        }
    }
}
