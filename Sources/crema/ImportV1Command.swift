import ArgumentParser
import Foundation
import PostgresNIO
import Runtime
import Store

struct ImportV1Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-v1",
        abstract: "Bring a café in from the original system: guests, balances, staff, orders as history, gifts, reviews and ideas.",
        discussion: """
            Reads the original database (read-only) and prints the reconciliation: rows read, to import, already imported and \
            refused with reasons, points in against points out, sums of orders. Safe to run again: nothing is imported twice, \
            and a run cut off midway can be run again to finish.
            """
    )

    @Option(help: "The original system's database, postgres://user:password@host:port/name (read only).")
    var from: String

    @Flag(help: "Read and report; change nothing.")
    var dryRun = false

    @Option(help: "The Crema location the staff and orders belong to (its slug).")
    var location = "main"

    @Option(help: "Days an unused gift from the original system stays valid (it had no expiry there).")
    var giftValidDays = 30

    @Option(help: .hidden)
    var batchSize = 2_000

    func validate() throws {
        if (try? DatabaseURL(from)) == nil { throw ValidationError("--from must be a postgres:// URL") }
        if !(1...3650).contains(giftValidDays) { throw ValidationError("--gift-valid-days must be between 1 and 3650") }
        if !(1...50_000).contains(batchSize) { throw ValidationError("--batch-size must be between 1 and 50000") }
    }

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.import-v1")
        let sourceURL = try DatabaseURL(from)
        let sourceClient = PostgresClient(
            configuration: sourceURL.clientConfiguration(maximumConnections: 2), backgroundLogger: Logger(label: "crema.postgres.v1"))
        let source = V1Source(database: Database(client: sourceClient, maximumConnections: 2), logger: bootstrap.logger)
        let options = V1Import.Options(dryRun: dryRun, locationSlug: location, giftValidDays: giftValidDays, batchSize: batchSize)
        let report = try await bootstrap.reportingFailures {
            try await bootstrap.withDatabase { database in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await sourceClient.run() }
                    defer { group.cancelAll() }
                    return try await V1Import(source: source, target: database, options: options, logger: bootstrap.logger)
                        .run(at: bootstrap.clock.now)
                }
            }
        }
        for line in report.lines() { print(line) }
        if !report.balances { throw ExitCode(1) }
    }
}
