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
        let migrator: Migrator
        do {
            migrator = Migrator(migrations: try Migration.bundled())
        } catch {
            fail("\(error)")
        }
        let app = buildApplication(
            configuration: bootstrap.configuration,
            dependencies: bootstrap.dependencies(migrator: migrator),
            schemaPolicy: migrate ? .migrate : .requireCurrent
        )
        do {
            try await app.runService()
        } catch let error as MigrationError {
            fail("\(error)")
        } catch {
            if error.isConnectionFailure {
                fail("cannot reach PostgreSQL at \(bootstrap.configuration.database.host):\(bootstrap.configuration.database.port) (DATABASE_URL)")
            }
            fail("\(String(reflecting: error))")
        }
    }
}
