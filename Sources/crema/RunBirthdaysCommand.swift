import ArgumentParser
import Domain
import Handlers
import Runtime
import Store

struct RunBirthdaysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-birthdays",
        abstract: "Give today's birthday gifts now (the server does this by itself every few minutes); safe to repeat."
    )

    @Option(help: "The day to celebrate, YYYY-MM-DD (default: today in the café's time zone).")
    var date: String?

    func validate() throws {
        if let date, CalendarDate(isoDate: date) == nil { throw ValidationError("--date must be a real date, YYYY-MM-DD") }
    }

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.run-birthdays")
        let day = date.flatMap(CalendarDate.init(isoDate:))
        let result = try await bootstrap.reportingFailures {
            try await bootstrap.withDatabase { database in
                let stores = Store(database: database, logger: bootstrap.logger, random: .system).pool
                return try await BirthdayRun(stores: stores, clock: bootstrap.clock).run(for: day)
            }
        }
        print("\(result.day): \(result.gifts) birthday \(result.gifts == 1 ? "gift" : "gifts") given")
    }
}
