import ArgumentParser
import Domain
import Handlers
import Runtime
import Store

struct RunExpiryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-expiry",
        abstract: "Expire points whose day has come and remind guests of points about to expire; safe to repeat.",
        discussion: "The server does this by itself every few minutes."
    )

    @Option(help: "The day to run for, YYYY-MM-DD, today or earlier (default: today in the café's time zone).")
    var date: String?

    func validate() throws {
        if let date, CalendarDate(isoDate: date) == nil { throw ValidationError("--date must be a real date, YYYY-MM-DD") }
    }

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.run-expiry")
        let day = date.flatMap(CalendarDate.init(isoDate:))
        let result = try await bootstrap.reportingFailures {
            try await bootstrap.withDatabase { database in
                let stores = Store(database: database, logger: bootstrap.logger, random: .system).pool
                return try await ExpiryRun(stores: stores, clock: bootstrap.clock).run(for: day)
            }
        }
        let report = result.report
        print("\(result.day): \(report.expiredPoints) points expired in \(report.expiredLots) lots; \(report.reminded) guests reminded")
    }
}
