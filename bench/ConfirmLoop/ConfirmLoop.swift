// A quick local loop over the engine's confirm command: N guests, each sale by a fresh code,
// run with C concurrent tills. Prints sales per second and latency percentiles.
// Usage (bench/confirm-loop.sh sets DATABASE_URL): confirm-loop [sales] [concurrency]
import Domain
import Foundation
import Logging
import PostgresNIO
import Store

@main
struct ConfirmLoop {
    static func main() async throws {
        try await run()
    }

    nonisolated static func run() async throws {
        let arguments = CommandLine.arguments
        let sales = arguments.count > 1 ? Int(arguments[1]) ?? 2_000 : 2_000
        let concurrency = arguments.count > 2 ? Int(arguments[2]) ?? 16 : 16
        guard let raw = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            FileHandle.standardError.write(Data("DATABASE_URL is required\n".utf8))
            exit(2)
        }
        let url = try DatabaseURL(raw)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: concurrency))
        let database = Database(client: client, maximumConnections: concurrency)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }

            let store = LoyaltyStore(database: database, logger: logger) { PaymentCode(number: UInt64.random(in: 0...999_999)) }
            let location = try await database.withConnection(logger: logger) { connection in
                try await connection.query("SELECT id FROM locations WHERE slug = 'main'", logger: logger).collect().first!.decode(
                    Int64.self)
            }
            let guests = try await (0..<1_000).asyncMap { index in
                try await store.registerCustomer(
                    .init(
                        telegramID: 500_000_000 + Int64(index), phone: PhoneNumber(normalizing: "+7901\(String(format: "%07d", index))")!,
                        firstName: "Guest \(index)", language: .ru),
                    at: Date()
                ).id
            }

            let latencies = LatencyLog()
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { tills in
                for till in 0..<concurrency {
                    tills.addTask {
                        var sale = till
                        while sale < sales {
                            // sale ≡ till (mod concurrency) and the modulus is a multiple of the concurrency, so
                            // each till serves its own guests and no two tills race for one code.
                            let guest = guests[sale % (guests.count / concurrency * concurrency)]
                            let code = try await store.issueCode(customerID: guest, at: Date()).code
                            let begin = ContinuousClock.now
                            _ = try await store.confirmSale(
                                SaleRequest(
                                    idempotencyKey: "bench-\(sale)", guest: .code(code), amount: .rubles(Int64(150 + sale % 900)),
                                    redeem: .none),
                                by: .apiKey(id: "bench"), locationID: location, at: Date())
                            await latencies.record(ContinuousClock.now - begin)
                            sale += concurrency
                        }
                    }
                }
                try await tills.waitForAll()
            }
            let elapsed = ContinuousClock.now - started
            let report = await latencies.report()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("sales    concurrency     sales/s     p50 ms     p99 ms")
            print(String(format: "%-8d %-12d %10.0f %10.2f %10.2f", sales, concurrency, Double(sales) / seconds, report.p50, report.p99))
            let check = try await LedgerCheck(database: database, logger: logger).run()
            print("check-ledger: \(check.isClean ? "clean" : "\(check.problems.count) problems") (\(check.ordersChecked) orders)")
        }
    }
}

actor LatencyLog {
    private var milliseconds: [Double] = []

    func record(_ duration: Duration) {
        milliseconds.append(Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }

    func report() -> (p50: Double, p99: Double) {
        let sorted = milliseconds.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
