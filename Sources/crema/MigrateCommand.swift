import ArgumentParser
import Runtime
import Store

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (safe to run from several instances at once)."
    )

    @Flag(help: "Only report which migrations are applied and pending; change nothing.")
    var status = false

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.migrate")
        let logger = bootstrap.logger
        try await bootstrap.reportingFailures {
            let migrator = Migrator(migrations: try Migration.bundled())
            if status {
                let report = try await bootstrap.withDatabase { try await migrator.status(on: $0, logger: logger) }
                print(
                    "applied: \(report.applied.count), pending: \(report.pending.joined(separator: ", ").ifEmpty("none")), edited: \(report.edited.joined(separator: ", ").ifEmpty("none"))"
                )
                if !report.isCurrent { throw ExitCode(1) }
                return
            }
            let applied = try await bootstrap.withDatabase { try await migrator.migrate(on: $0, logger: logger) }
            print(applied.isEmpty ? "database is up to date" : "applied \(applied.count): \(applied.joined(separator: ", "))")
        }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
