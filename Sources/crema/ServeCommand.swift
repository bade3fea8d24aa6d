import ArgumentParser
import Handlers
import Hummingbird
import Runtime
import Store

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server (bot webhooks, partner API, admin panel) and background jobs until SIGTERM or SIGINT."
    )

    @Flag(help: "Apply pending migrations before serving instead of refusing to start.")
    var migrate = false

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema")
        try await bootstrap.reportingFailures {
            let app = try buildApplication(
                configuration: bootstrap.configuration,
                dependencies: bootstrap.dependencies(migrator: Migrator(migrations: try Migration.bundled())),
                schemaPolicy: migrate ? .migrate : .requireCurrent
            )
            try await app.runService()
        }
    }
}
