import Domain
import Foundation
import Logging
import PostgresNIO

/// The café's campaigns: created by an owner or admin, paused, resumed and ended; each change of
/// rule is a new version, and each order a campaign added to keeps its version.
public struct CampaignStore: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The running campaigns as one JSON array of `Campaign`, for a sale's own statement.
    static let runningSelect = """
        SELECT coalesce(json_agg(json_build_object('id', id, 'version', version, 'name', name, 'multiplier', rule) ORDER BY id),
                        '[]')::text
        FROM campaigns WHERE status = 'active' AND kind = 'multiplier'
        """

    public func create(
        name: String, multiplier: PointsMultiplier, createdBy: String, requestID: String? = nil, at now: Date
    ) async throws
        -> Int64
    {
        try await create(name: name, rule: .multiplier(multiplier), createdBy: createdBy, requestID: requestID, at: now)
    }

    public func create(name: String, rule: CampaignRule, createdBy: String, requestID: String? = nil, at now: Date) async throws -> Int64 {
        let ruleJSON = try rule.json()
        let actor = Actor(createdBy: createdBy)
        return try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH created AS (
                    INSERT INTO campaigns (name, kind, rule, created_by, created_at, updated_at)
                    VALUES (\(name), \(rule.kind), \(ruleJSON)::jsonb, \(createdBy), \(now), \(now))
                    RETURNING id, version, name, rule
                ), version AS (
                    INSERT INTO campaign_versions (campaign_id, version, name, rule, created_by, created_at)
                    SELECT id, version, name, rule, \(createdBy), \(now) FROM created
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, request_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'campaign.created', 'campaign', id::text, \(requestID),
                           jsonb_build_object('name', name, 'kind', \(rule.kind)::text, 'rule', rule)
                    FROM created
                )
                SELECT id FROM created
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            throw CampaignStoreError.notCreated
        }
    }

    /// Changes a running or paused campaign's name and rule as a new version: sales from now on
    /// use it, orders already made keep the version they were made with. An ended campaign, or a
    /// rule of another kind, is not changed: false.
    @discardableResult
    public func revise(_ id: Int64, name: String, rule: CampaignRule, by actorID: String, at now: Date) async throws -> Bool {
        let ruleJSON = try rule.json()
        let actor = Actor(createdBy: actorID)
        return try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH before AS (
                    SELECT id, version, name, rule FROM campaigns
                    WHERE id = \(id) AND kind = \(rule.kind) AND status <> 'ended'
                    FOR UPDATE
                ), revised AS (
                    UPDATE campaigns c SET version = c.version + 1, name = \(name), rule = \(ruleJSON)::jsonb, updated_at = \(now)
                    FROM before WHERE c.id = before.id
                    RETURNING c.id, c.version, c.name, c.rule
                ), version AS (
                    INSERT INTO campaign_versions (campaign_id, version, name, rule, created_by, created_at)
                    SELECT id, version, name, rule, \(actorID), \(now) FROM revised
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'campaign.revised', 'campaign', revised.id::text,
                           jsonb_build_object('version', before.version, 'name', before.name, 'rule', before.rule),
                           jsonb_build_object('version', revised.version, 'name', revised.name, 'rule', revised.rule)
                    FROM revised, before
                )
                SELECT id FROM revised
                """, logger: logger)
            return try await rows.collect().count == 1
        }
    }

    /// Pauses, resumes or ends a campaign; an ended one stays ended. False when nothing changed.
    @discardableResult
    public func setStatus(_ id: Int64, _ status: CampaignRecord.Status, by actorID: String, at now: Date) async throws -> Bool {
        let actor = Actor(createdBy: actorID)
        return try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH changed AS (
                    UPDATE campaigns SET status = \(status.rawValue), updated_at = \(now)
                    WHERE id = \(id) AND status <> \(status.rawValue) AND status <> 'ended'
                    RETURNING id
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), \("campaign." + status.rawValue), 'campaign', id::text
                    FROM changed
                )
                SELECT id FROM changed
                """, logger: logger)
            return try await rows.collect().count == 1
        }
    }

    /// Every campaign, newest first, with what it has done: for a multiplier the sales it added
    /// points to (cancelled ones left out), those points and the sales' revenue; for a welcome
    /// bonus the guests who got it, its points and gifts.
    public func list() async throws -> [CampaignRecord] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT c.id, c.version, c.name, c.kind, c.status, c.rule::text, c.created_at,
                       coalesce(s.sales, 0) + coalesce(v.visits, 0) + coalesce(r.sales, 0),
                       coalesce(s.points, 0) + coalesce(w.points, 0) + coalesce(r.points, 0),
                       coalesce(s.revenue, 0) + coalesce(v.revenue, 0) + coalesce(r.revenue, 0), coalesce(w.guests, 0) + coalesce(r.sales, 0),
                       coalesce(w.gifts, 0) + coalesce(v.gifts, 0)
                FROM campaigns c
                LEFT JOIN LATERAL (
                    SELECT count(*)::int AS sales, sum(e.points)::bigint AS points, sum(o.amount_kopecks)::bigint AS revenue
                    FROM order_campaign_effects e JOIN orders o ON o.id = e.order_id
                    WHERE e.campaign_id = c.id AND NOT EXISTS (SELECT 1 FROM order_cancellations x WHERE x.order_id = o.id)
                ) s ON true
                LEFT JOIN LATERAL (
                    SELECT count(*)::int AS guests, sum(g.points)::bigint AS points, count(g.gift_id)::int AS gifts
                    FROM welcome_grants g WHERE g.campaign_id = c.id
                ) w ON true
                LEFT JOIN LATERAL (
                    SELECT count(*)::int AS visits, count(t.gift_id)::int AS gifts, sum(o.amount_kopecks)::bigint AS revenue
                    FROM visit_stamps t JOIN orders o ON o.id = t.order_id
                    WHERE t.campaign_id = c.id AND t.cancelled_at IS NULL
                ) v ON true
                LEFT JOIN LATERAL (
                    SELECT count(*)::int AS sales, sum(x.friend_points + x.referrer_points)::bigint AS points,
                           sum(o.amount_kopecks)::bigint AS revenue
                    FROM referrals f JOIN referral_rewards x ON x.friend_id = f.friend_id AND x.reversed_at IS NULL
                    JOIN orders o ON o.id = x.order_id
                    WHERE f.campaign_id = c.id
                ) r ON true
                ORDER BY c.id DESC
                """, logger: logger)
            var records: [CampaignRecord] = []
            for try await (id, version, name, kind, status, rule, created, sales, points, revenue, guests, gifts) in rows.decode(
                (Int64, Int, String, String, String, String, Date, Int, Int64, Int64, Int, Int).self)
            {
                records.append(
                    CampaignRecord(
                        id: id, version: version, name: name, rule: try CampaignRule(kind: kind, json: rule),
                        status: CampaignRecord.Status(rawValue: status) ?? .ended, createdAt: created, sales: sales, points: Int(points),
                        revenue: Money(kopecks: revenue), newGuests: guests, giftsIssued: gifts))
            }
            return records
        }
    }
}

/// What a campaign does, as stored (`campaigns.kind` and `rule`).
public enum CampaignRule: Sendable, Equatable {
    case multiplier(PointsMultiplier)
    case welcome(WelcomeBonus)
    case visits(VisitCard)
    case referral(ReferralReward)

    /// The days it runs, whatever its kind.
    public var dates: CampaignDates? {
        switch self {
        case .multiplier(let rule):
            return rule.startsOn == nil && rule.endsOn == nil ? nil : CampaignDates(startsOn: rule.startsOn, endsOn: rule.endsOn)
        case .welcome(let bonus): return bonus.dates
        case .visits(let card): return card.dates
        case .referral(let reward): return reward.dates
        }
    }

    /// "multiplier", "welcome", "visits" or "referral", as `campaigns.kind` stores it.
    public var kindName: String { kind }

    var kind: String {
        switch self {
        case .multiplier: return "multiplier"
        case .welcome: return "welcome"
        case .visits: return "visits"
        case .referral: return "referral"
        }
    }

    func json() throws -> String {
        switch self {
        case .multiplier(let rule): return String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
        case .welcome(let bonus): return String(decoding: try JSONEncoder().encode(bonus), as: UTF8.self)
        case .visits(let card): return String(decoding: try JSONEncoder().encode(card), as: UTF8.self)
        case .referral(let reward): return String(decoding: try JSONEncoder().encode(reward), as: UTF8.self)
        }
    }

    init(kind: String, json: String) throws {
        let data = Data(json.utf8)
        switch kind {
        case "welcome": self = .welcome(try JSONDecoder().decode(WelcomeBonus.self, from: data))
        case "visits": self = .visits(try JSONDecoder().decode(VisitCard.self, from: data))
        case "referral": self = .referral(try JSONDecoder().decode(ReferralReward.self, from: data))
        default: self = .multiplier(try JSONDecoder().decode(PointsMultiplier.self, from: data))
        }
    }
}

/// A campaign as the panel lists it, with its results so far.
public struct CampaignRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case active, paused, ended
    }

    public var id: Int64
    public var version: Int
    public var name: String
    public var rule: CampaignRule
    public var status: Status
    public var createdAt: Date
    /// Sales it added points to, the visits it counted, or the friends' first sales it rewarded.
    public var sales: Int
    /// Points it granted: a multiplier's part of its sales, a welcome bonus's credits.
    public var points: Int
    public var revenue: Money
    /// Guests who got the welcome bonus, or who came by referral and bought.
    public var newGuests: Int
    public var giftsIssued: Int
}

public enum CampaignStoreError: Error {
    case notCreated
}
