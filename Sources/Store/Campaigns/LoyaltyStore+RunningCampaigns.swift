import Domain
import Foundation
import PostgresNIO

/// A campaign running now, with its rule as of its current version.
struct RunningCampaign<Rule: Decodable & DatedCampaignRule & Sendable>: Sendable {
    var id: Int64
    var version: Int
    var name: String
    var rule: Rule
}

extension LoyaltyStore {
    /// The newest active campaign of `kind` whose dates include `day`, if any.
    func runningCampaign<Rule>(
        _ kind: String, as rule: Rule.Type, on day: CalendarDate, on connection: PostgresConnection
    ) async throws -> RunningCampaign<Rule>? {
        let rows = try await connection.run(
            "SELECT id, version, name, rule::text FROM campaigns WHERE kind = \(kind) AND status = 'active' ORDER BY id DESC",
            logger: logger
        ).collect()
        for row in rows {
            let (id, version, name, json) = try row.decode((Int64, Int, String, String).self)
            let decoded = try JSONDecoder().decode(Rule.self, from: Data(json.utf8))
            if decoded.runs(on: day) { return RunningCampaign(id: id, version: version, name: name, rule: decoded) }
        }
        return nil
    }

    /// The café's settings and its calendar day at `now`.
    func cafeDay(at now: Date, on connection: PostgresConnection) async throws -> (LoyaltySettings, CalendarDate) {
        let settings = try await session.settings(on: connection)
        return (settings, CalendarDate(now, in: settings.cafeTimeZone))
    }
}
