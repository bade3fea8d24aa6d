import Domain
import Foundation
import PostgresNIO

/// A friend's referral that waits for their first qualifying sale, as the sale reads it under
/// the friend's lock: the terms of the campaign version the friend registered under.
struct PendingReferral: Sendable, Decodable {
    var referrerID: Int64
    var campaignID: Int64
    var name: String
    var rule: ReferralReward

    enum CodingKeys: String, CodingKey {
        case referrerID = "referrer_id", campaignID = "campaign_id", name, rule
    }
}

/// A guest's invite: the code their link carries and the running campaign's terms.
public struct Invite: Sendable, Equatable {
    public var code: String
    public var campaign: String
    public var reward: ReferralReward

    /// What the link passes to the bot's /start.
    public var startParameter: String { Self.prefix + code }

    static let prefix = "ref_"

    /// The invite code in a /start parameter ("ref_…"), or nil when it is no invite.
    public static func code(inStartParameter parameter: String) -> String? {
        guard parameter.hasPrefix(prefix) else { return nil }
        let code = parameter.dropFirst(prefix.count)
        guard code.count == 10, code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }) else { return nil }
        return String(code)
    }
}

/// What the bot tells a guest who registered through an invite link.
public struct ReferralOffer: Sendable, Equatable {
    public var referrerName: String
    public var campaign: String
    public var reward: ReferralReward
}

extension LoyaltyStore {
    /// The guest's pending referral, for the sale's lock statement (`c` is the guest): only while
    /// its campaign runs and no standing reward exists.
    static let pendingReferralSelect = """
        SELECT json_build_object('referrer_id', f.referrer_id, 'campaign_id', f.campaign_id, 'name', v.name, 'rule', v.rule)::text
        FROM referrals f
        JOIN campaigns k ON k.id = f.campaign_id AND k.status = 'active'
        JOIN campaign_versions v ON v.campaign_id = f.campaign_id AND v.version = f.version
        WHERE f.friend_id = c.id
          AND NOT EXISTS (SELECT 1 FROM referral_rewards x WHERE x.friend_id = f.friend_id AND x.reversed_at IS NULL)
        """

    /// The guest's invite (their code made on first ask), or nil while no bring-a-friend
    /// campaign runs today.
    public func invite(customerID: Int64, at now: Date) async throws -> Invite? {
        try await session.withConnection { connection in
            let (_, today) = try await cafeDay(at: now, on: connection)
            guard let running = try await runningCampaign("referral", as: ReferralReward.self, on: today, on: connection) else {
                return nil
            }
            let code = try await connection.run(
                """
                UPDATE customers
                SET invite_code = coalesce(invite_code, substr(md5(gen_random_uuid()::text), 1, 10))
                WHERE id = \(customerID) AND anonymised_at IS NULL
                RETURNING invite_code
                """, logger: logger
            ).collect().first?.decode(String.self)
            guard let code else { return nil }
            return Invite(code: code, campaign: running.name, reward: running.rule)
        }
    }

    /// Makes the guest who has just registered through `inviteCode` the friend of that code's
    /// owner, while a bring-a-friend campaign runs today. Refused, quietly: an unknown or blocked
    /// referrer, one's own phone number or Telegram account, staff on either side, and a phone
    /// number or account that was referred, or had a welcome bonus on another account, before.
    /// Runs in the registration's transaction.
    func recordReferral(of friend: Customer, inviteCode: String, at now: Date, on connection: PostgresConnection) async throws {
        let phone = friend.phone.e164
        let telegram = String(friend.telegramID)
        let (_, today) = try await cafeDay(at: now, on: connection)
        guard let running = try await runningCampaign("referral", as: ReferralReward.self, on: today, on: connection) else { return }
        try await connection.run(
            """
            WITH referrer AS (
                SELECT r.id FROM customers r
                WHERE r.invite_code = \(inviteCode) AND r.id <> \(friend.id) AND r.anonymised_at IS NULL AND r.blocked_at IS NULL
                  AND r.telegram_id IS DISTINCT FROM \(friend.telegramID) AND r.phone IS DISTINCT FROM \(phone)
                  AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.telegram_id IN (r.telegram_id, \(friend.telegramID)))
            )
            INSERT INTO referrals (friend_id, referrer_id, friend_phone_hash, friend_telegram_hash, campaign_id, version, invited_at)
            SELECT \(friend.id), referrer.id, sha256(convert_to(\(phone), 'UTF8')), sha256(convert_to(\(telegram), 'UTF8')),
                   \(running.id), \(running.version), \(now)
            FROM referrer
            WHERE NOT EXISTS (
                SELECT 1 FROM welcome_grants w
                WHERE w.customer_id <> \(friend.id)
                  AND (w.phone_hash = sha256(convert_to(\(phone), 'UTF8')) OR w.telegram_hash = sha256(convert_to(\(telegram), 'UTF8')))
            )
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Who invited the guest and on what terms, when they came through an invite link.
    public func referralOffer(friendID: Int64) async throws -> ReferralOffer? {
        try await session.withConnection { connection in
            let row = try await connection.run(
                """
                SELECT r.first_name, v.name, v.rule::text
                FROM referrals f
                JOIN customers r ON r.id = f.referrer_id
                JOIN campaign_versions v ON v.campaign_id = f.campaign_id AND v.version = f.version
                WHERE f.friend_id = \(friendID)
                """, logger: logger
            ).collect().first?.decode((String, String, String).self)
            guard let (referrer, campaign, rule) = row else { return nil }
            return ReferralOffer(
                referrerName: referrer, campaign: campaign, reward: try JSONDecoder().decode(ReferralReward.self, from: Data(rule.utf8)))
        }
    }
}
