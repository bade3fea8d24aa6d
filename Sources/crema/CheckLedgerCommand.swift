import ArgumentParser
import Runtime
import Store

struct CheckLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-ledger",
        abstract:
            "Verify the points ledger: balances equal ledger sums, nothing ran negative, orders and cancellations match their rows. Exits 1 on any mismatch."
    )

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.check-ledger")
        let logger = bootstrap.logger
        let report = try await bootstrap.reportingFailures {
            try await bootstrap.withDatabase { database in
                try await LedgerCheck(database: database, logger: logger).run()
            }
        }
        for problem in report.problems {
            print("MISMATCH \(problem)")
        }
        print(
            "checked \(report.customersChecked) customers and \(report.ordersChecked) orders: \(report.isClean ? "ledger is clean" : "\(report.problems.count) problem(s)")"
        )
        if !report.isClean { throw ExitCode(1) }
    }
}
