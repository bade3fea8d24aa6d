import Domain
import Foundation
import Logging
import PostgresNIO

/// Brings a café in from the original system: guests with their balances as opening ledger
/// entries, staff, orders as history, unused gifts, reviews and ideas.
///
/// Every row Crema writes names its source row (`import_source`), and every batch is one
/// statement, so the import is idempotent and a run cut off at any point can be run again: what
/// came in stays, the rest comes in, and the result is the same. A dry run reads the same rows
/// and reports the same reconciliation without writing.
public struct V1Import: Sendable {
    public struct Options: Sendable {
        public var dryRun: Bool
        public var locationSlug: String
        /// Unused v1 gifts had no expiry; the owner chooses one.
        public var giftValidDays: Int
        public var batchSize: Int

        public init(dryRun: Bool = false, locationSlug: String = "main", giftValidDays: Int = 30, batchSize: Int = 2_000) {
            self.dryRun = dryRun
            self.locationSlug = locationSlug
            self.giftValidDays = giftValidDays
            self.batchSize = batchSize
        }
    }

    let source: V1Source
    let target: Database
    let options: Options
    let logger: Logger

    public init(source: V1Source, target: Database, options: Options, logger: Logger) {
        self.source = source
        self.target = target
        self.options = options
        self.logger = logger
    }

    public func run(at now: Date) async throws -> ImportReconciliation {
        let locationID = try await location()
        var report = ImportReconciliation(dryRun: options.dryRun, location: options.locationSlug, giftValidDays: options.giftValidDays)
        try await source.read { snapshot in
            let users = try await snapshot.users()
            let guests = try await importGuests(users, report: &report, now: now)
            let baristas = try await importStaff(try await snapshot.baristas(), locationID: locationID, report: &report, now: now)

            let vetting = OrderVetting(knownUsers: Set(users.map(\.id)), guests: guests, baristas: baristas)
            try await snapshot.forEachOrderBatch(size: options.batchSize) { batch in
                try await importOrders(batch, vetting: vetting, locationID: locationID, report: &report)
            }
            let gifts = try await snapshot.gifts()
            try await importGifts(gifts, guests: guests, report: &report, now: now)
            report.users.notes += GiftVetting.counterDisagreements(users: users, gifts: gifts, guests: guests)
            try await importFeedback(try await snapshot.feedback(), guests: guests, report: &report)
        }
        if !options.dryRun {
            try await settleSpendAndTiers(now: now)
            try await audit(report, at: now)
        }
        logger.info(
            "v1 import finished",
            metadata: [
                "dry_run": "\(options.dryRun)", "guests": "\(report.users.imported)", "orders": "\(report.orders.imported)",
                "reconciled": "\(report.balances)",
            ])
        return report
    }

    private func location() async throws -> Int64 {
        try await target.withConnection(logger: logger) { connection in
            let rows = try await connection.run("SELECT id FROM locations WHERE slug = \(options.locationSlug)", logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            throw ImportError.unknownLocation(options.locationSlug)
        }
    }
}

public enum ImportError: Error, Equatable, CustomStringConvertible {
    case unknownLocation(String)

    public var description: String {
        switch self {
        case .unknownLocation(let slug): return "no location \"\(slug)\" in Crema (see the admin panel's locations)"
        }
    }
}
