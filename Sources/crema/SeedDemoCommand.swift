import ArgumentParser
import Runtime
import Store

struct SeedDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Add demo guests and staff for a local run; running it again adds nothing."
    )

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.seed")
        let logger = bootstrap.logger
        try await bootstrap.reportingFailures {
            let migrator = Migrator(migrations: try Migration.bundled())
            let summary = try await bootstrap.withDatabase { database in
                try await migrator.verify(on: database, logger: logger)
                return try await DemoSeed().run(on: database, logger: logger)
            }
            print("demo data: \(summary.customersAdded) guests and \(summary.staffAdded) staff added")
        }
    }
}
