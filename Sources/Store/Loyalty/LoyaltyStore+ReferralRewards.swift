import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Rewards a referral on the friend's sale `orderID`, when it took at least the campaign's
    /// minimum in money: the friend's points, and the referrer's unless they reached this month's
    /// cap. Runs in the sale's transaction with the friend locked; the referrer is locked here, so
    /// concurrent first sales of their friends count against the cap one at a time (always friend,
    /// then referrer: a referrer registered first, so the locks never go round in a circle).
    func rewardReferral(
        _ pending: PendingReferral, friendID: Int64, orderID: Int64, paid: Money, settings: LoyaltySettings, at now: Date,
        on connection: PostgresConnection
    ) async throws {
        guard pending.rule.qualifies(paid: paid) else { return }
        // The lock statement read the referral before it waited for the friend's lock: a sale
        // that held the lock may have rewarded it since, so this statement, after the lock, asks again.
        let parties = try await connection.run(
            """
            SELECT r.telegram_id, r.language, r.blocked_at IS NULL AND r.anonymised_at IS NULL, f.telegram_id, f.language, f.first_name
            FROM customers r, customers f
            WHERE r.id = \(pending.referrerID) AND f.id = \(friendID)
              AND NOT EXISTS (SELECT 1 FROM referral_rewards x WHERE x.friend_id = f.id AND x.reversed_at IS NULL)
            FOR UPDATE OF r
            """, logger: logger
        ).collect().first?.decode((Int64?, String, Bool, Int64?, String, String).self)
        guard let (referrerChat, referrerLanguage, referrerActive, friendChat, friendLanguage, friendName) = parties else { return }
        let monthStart = ReferralReward.monthStart(containing: now, in: settings.cafeTimeZone)
        let rewardedThisMonth =
            try await connection.run(
                """
                SELECT count(*)::int FROM referral_rewards
                WHERE referrer_id = \(pending.referrerID) AND reversed_at IS NULL AND referrer_points > 0 AND rewarded_at >= \(monthStart)
                """, logger: logger
            ).collect().first?.decode(Int.self) ?? 0
        var (friendPoints, referrerPoints, capped) = pending.rule.reward(rewardedThisMonth: rewardedThisMonth)
        if !referrerActive { referrerPoints = 0 }

        let actor = Actor(kind: .system, id: "campaign:\(pending.campaignID)")
        let reason = "\(pending.name) (order \(orderID))"
        var friendLot: Int64?
        var referrerLot: Int64?
        if friendPoints > 0 {
            let (lot, balance) = try await creditCampaignPoints(
                friendPoints, to: friendID, reason: reason, actor: actor, settings: settings, at: now, on: connection)
            friendLot = lot
            try await tell(
                friendID, chat: friendChat, language: friendLanguage,
                .referralReward(.init(points: friendPoints, campaign: pending.name, balance: balance)), at: now, on: connection)
        }
        if referrerPoints > 0 {
            let (lot, balance) = try await creditCampaignPoints(
                referrerPoints, to: pending.referrerID, reason: reason, actor: actor, settings: settings, at: now, on: connection)
            referrerLot = lot
            try await tell(
                pending.referrerID, chat: referrerChat, language: referrerLanguage,
                .referralReward(.init(points: referrerPoints, campaign: pending.name, balance: balance, friend: friendName)),
                at: now, on: connection)
        }
        try await connection.run(
            """
            INSERT INTO referral_rewards (order_id, friend_id, referrer_id, friend_points, referrer_points, friend_lot_id, referrer_lot_id,
                                          capped, rewarded_at)
            VALUES (\(orderID), \(friendID), \(pending.referrerID), \(friendPoints), \(referrerPoints), \(friendLot), \(referrerLot),
                    \(capped), \(now))
            """, logger: logger)
    }

    /// A cancelled sale takes back the referral reward it gave, from both sides (as points debt
    /// where they no longer hold them), and the referral waits for the friend's next sale.
    func reverseReferral(orderID: Int64, at now: Date, on connection: PostgresConnection) async throws {
        let reward = try await connection.run(
            """
            UPDATE referral_rewards x SET reversed_at = \(now)
            FROM referrals f JOIN campaign_versions v ON v.campaign_id = f.campaign_id AND v.version = f.version
            WHERE x.order_id = \(orderID) AND x.reversed_at IS NULL AND f.friend_id = x.friend_id
            RETURNING x.friend_id, x.referrer_id, x.friend_points, x.referrer_points, x.friend_lot_id, x.referrer_lot_id, v.name,
                      f.campaign_id
            """, logger: logger
        ).collect().first?.decode((Int64, Int64, Int, Int, Int64?, Int64?, String, Int64).self)
        guard let (friendID, referrerID, friendPoints, referrerPoints, friendLot, referrerLot, campaign, campaignID) = reward else {
            return
        }
        let parties = try await connection.run(
            """
            SELECT r.telegram_id, r.language, f.telegram_id, f.language, f.first_name
            FROM customers r, customers f
            WHERE r.id = \(referrerID) AND f.id = \(friendID)
            FOR UPDATE OF r
            """, logger: logger
        ).collect().first?.decode((Int64?, String, Int64?, String, String).self)
        guard let (referrerChat, referrerLanguage, friendChat, friendLanguage, friendName) = parties else { return }
        let actor = Actor(kind: .system, id: "campaign:\(campaignID)")
        let reason = "\(campaign) (order \(orderID) cancelled)"
        if friendPoints > 0 {
            let (balance, debt) = try await takeBackCampaignPoints(
                friendPoints, from: friendID, creditedLot: friendLot, reason: reason, actor: actor, at: now, on: connection)
            try await tell(
                friendID, chat: friendChat, language: friendLanguage,
                .referralReversed(.init(points: friendPoints, campaign: campaign, balance: balance, debt: debt)), at: now, on: connection)
        }
        if referrerPoints > 0 {
            let (balance, debt) = try await takeBackCampaignPoints(
                referrerPoints, from: referrerID, creditedLot: referrerLot, reason: reason, actor: actor, at: now, on: connection)
            try await tell(
                referrerID, chat: referrerChat, language: referrerLanguage,
                .referralReversed(.init(points: referrerPoints, campaign: campaign, balance: balance, debt: debt, friend: friendName)),
                at: now, on: connection)
        }
    }

    /// Queues a notice to a guest's chat, when they have one.
    private func tell(
        _ customerID: Int64, chat: Int64?, language: String, _ notice: Notice, at now: Date, on connection: PostgresConnection
    ) async throws {
        guard let chat else { return }
        try await OutboxWriter.insert(
            bot: .client, chatID: chat, customerID: customerID, kind: .transactional, method: "sendMessage", payload: try notice.encoded(),
            language: Language(rawValue: language) ?? .ru, at: now, on: connection, logger: logger)
    }
}
