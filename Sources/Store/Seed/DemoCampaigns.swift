import Domain
import Foundation
import Logging
import PostgresNIO

/// Campaigns for a local demo, started once when the café has none: happy hours on weekday
/// afternoons, the sixth coffee on us, and bring a friend. Never in production: these would be
/// real promises to real guests.
public struct DemoCampaigns: Sendable {
    public init() {}

    /// Starts them and returns how many (0 when the café already has campaigns).
    public func run(on database: Database, logger: Logger, at now: Date) async throws -> Int {
        let campaigns = CampaignStore(database: database, logger: logger)
        guard try await campaigns.list().isEmpty else { return 0 }
        let drink = try await database.withConnection(logger: logger) { connection in
            try await connection.run("SELECT id FROM gift_catalog WHERE slug = 'drink' AND active", logger: logger)
                .collect().first?.decode(Int64.self)
        }
        var rules: [(String, CampaignRule)] = [
            (
                "Счастливые часы",
                .multiplier(PointsMultiplier(percent: 200, weekdays: [1, 2, 3, 4, 5], fromMinute: 14 * 60, toMinute: 17 * 60))
            ),
            ("Приведи друга", .referral(ReferralReward(referrerPoints: 100, friendPoints: 50, minimumKopecks: 30_000, monthlyCap: 10))),
        ]
        if let drink {
            rules.insert(
                ("Шестой кофе в подарок", .visits(VisitCard(every: 6, minimumKopecks: 15_000, hoursBetween: 4, giftCatalogID: drink))),
                at: 1)
        }
        for (name, rule) in rules {
            _ = try await campaigns.create(name: name, rule: rule, createdBy: "seed-demo", at: now)
        }
        return rules.count
    }
}
