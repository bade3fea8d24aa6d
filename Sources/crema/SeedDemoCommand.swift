import ArgumentParser
import Handlers
import Runtime
import Store

struct SeedDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Add demo guests, staff and (outside production) a demo admin; running it again adds nothing.",
        discussion: "With --customers and --orders it also adds that many synthetic guests and orders, for scale tests."
    )

    /// Printed for local runs only; production gets no demo admin.
    static let demoAdminPassword = "crema-demo-2026"

    @Flag(
        help:
            "Also write a believable last month of the café (sales, gifts, reviews, a broadcast) when it has no orders yet, then start three demo campaigns once."
    )
    var month = false

    @Option(help: "Synthetic guests to add for scale tests (e.g. 1000000).")
    var customers = 0

    @Option(help: "Synthetic orders to add across those guests (e.g. 10000000).")
    var orders = 0

    func validate() throws {
        guard customers >= 0, orders >= 0 else { throw ValidationError("--customers and --orders cannot be negative") }
        guard orders == 0 || customers > 0 else { throw ValidationError("--orders needs --customers to sell to") }
    }

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.seed")
        let logger = bootstrap.logger
        let production = bootstrap.configuration.environment == .prod
        try await bootstrap.reportingFailures {
            let migrator = Migrator(migrations: try Migration.bundled())
            let hash = production ? nil : try await PasswordHasher().hash(Self.demoAdminPassword)
            try await bootstrap.withDatabase { database in
                try await migrator.verify(on: database, logger: logger)
                let summary = try await DemoSeed(adminPasswordHash: hash).run(on: database, logger: logger)
                print("demo data: \(summary.customersAdded) guests and \(summary.staffAdded) staff added")
                if !production {
                    print(
                        "admin panel login: \(DemoSeed.adminEmail) / \(Self.demoAdminPassword)\(summary.adminAdded ? "" : " (account already existed; its password was left as it is)")"
                    )
                }
                if month {
                    if let written = try await DemoMonth().run(on: database, logger: logger, at: bootstrap.clock.now) {
                        print(
                            "demo month: \(written.guests) more guests, \(written.orders) sales, \(written.cancellations) cancelled, \(written.gifts) gifts, \(written.reviews) reviews"
                        )
                    } else {
                        print("demo month: the café already has sales; nothing added")
                    }
                    // After the month, so its history is the engine's without them.
                    if !production {
                        let started = try await DemoCampaigns().run(on: database, logger: logger, at: bootstrap.clock.now)
                        print("demo campaigns: \(started) started\(started == 0 ? " (the café already has campaigns)" : "")")
                    }
                }
                if customers > 0 {
                    try await ScaleSeed(customers: customers, orders: orders).run(on: database, logger: logger) { line in print(line) }
                }
            }
        }
    }
}
