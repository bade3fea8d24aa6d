import Domain
import Foundation

/// What the outbox carries for the sender to turn into a message in the reader's language.
///
/// Encoded in Swift as one flat JSON object whose `template` names the case, so a row reads
/// plainly in the database and rows queued by earlier builds still decode.
public enum Notice: Sendable, Equatable {
    /// To the guest, after a sale.
    case saleReceipt(SaleReceipt)
    /// To the guest, after their sale was cancelled.
    case saleCancelled(SaleCancellation)
    /// To the guest, after part of their order was refunded.
    case saleRefunded(SaleRefund)
    /// To the guest, days before some of their points expire.
    case pointsExpiring(PointsExpiry)
    /// To the guest, when points expired.
    case pointsExpired(PointsExpiry)
    /// To the guest: a gift from the café.
    case giftIssued(Gift)
    /// To the guest: their birthday gift.
    case birthdayGift(Gift)
    /// To managers: a low rating.
    case reviewAlert(ReviewAlert)
    /// To managers: a comment on a rating.
    case reviewComment(ReviewComment)
    /// To managers: a guest wrote to management.
    case guestMessage(GuestMessage)
    /// To managers: a broadcast ended with guests it could not reach.
    case broadcastFailed(BroadcastFailure)
    /// To managers: a partner's webhook endpoint kept failing and was switched off.
    case webhookDisabled(WebhookFailure)
    /// To the guest, on registering: the welcome bonus's points.
    case welcomeBonus(WelcomeCredit)
    /// To the friend and to the referrer: points for the friend's first purchase by invitation.
    case referralReward(ReferralCredit)
    /// To either of them: that purchase was cancelled, and its points taken back.
    case referralReversed(ReferralReversal)

    public struct SaleReceipt: Codable, Sendable, Equatable {
        /// Filled in by the statement that writes the order (the id does not exist before it).
        public var orderID: Int64
        public var amount: Money
        public var paid: Money
        public var pointsRedeemed: Int
        public var pointsCredited: Int
        public var debtRepaid: Int
        public var balance: Int
        public var debt: Int
        public var tierBefore: Tier
        public var tierAfter: Tier
        public var giftCount: Int
        /// The campaigns that added to the points, each with what it added (nil: none).
        public var campaigns: [CampaignEffect]?
        /// The guest's visit card after this sale, when it counted a visit.
        public var visits: VisitStamp?

        public init(
            orderID: Int64, amount: Money, paid: Money, pointsRedeemed: Int, pointsCredited: Int, debtRepaid: Int,
            balance: Int, debt: Int, tierBefore: Tier, tierAfter: Tier, giftCount: Int, campaigns: [CampaignEffect]? = nil,
            visits: VisitStamp? = nil
        ) {
            self.orderID = orderID
            self.amount = amount
            self.paid = paid
            self.pointsRedeemed = pointsRedeemed
            self.pointsCredited = pointsCredited
            self.debtRepaid = debtRepaid
            self.balance = balance
            self.debt = debt
            self.tierBefore = tierBefore
            self.tierAfter = tierAfter
            self.giftCount = giftCount
            self.campaigns = campaigns
            self.visits = visits
        }

        enum CodingKeys: String, CodingKey {
            case orderID = "order_id", amount = "amount_kopecks", paid = "paid_kopecks", pointsRedeemed = "points_redeemed"
            case pointsCredited = "points_credited", debtRepaid = "debt_repaid", balance, debt
            case tierBefore = "tier_before", tierAfter = "tier_after", giftCount = "gift_count", campaigns, visits
        }
    }

    public struct SaleCancellation: Codable, Sendable, Equatable {
        public var orderID: Int64
        public var balance: Int
        public var debt: Int
        public var tier: Tier

        public init(orderID: Int64, balance: Int, debt: Int, tier: Tier) {
            self.orderID = orderID
            self.balance = balance
            self.debt = debt
            self.tier = tier
        }

        enum CodingKeys: String, CodingKey {
            case orderID = "order_id", balance, debt, tier
        }
    }

    public struct SaleRefund: Codable, Sendable, Equatable {
        public var orderID: Int64
        public var amount: Money
        public var pointsRestored: Int
        public var pointsTakenBack: Int
        public var balance: Int
        public var debt: Int
        public var tier: Tier

        public init(orderID: Int64, amount: Money, pointsRestored: Int, pointsTakenBack: Int, balance: Int, debt: Int, tier: Tier) {
            self.orderID = orderID
            self.amount = amount
            self.pointsRestored = pointsRestored
            self.pointsTakenBack = pointsTakenBack
            self.balance = balance
            self.debt = debt
            self.tier = tier
        }

        enum CodingKeys: String, CodingKey {
            case orderID = "order_id", amount = "amount_kopecks", pointsRestored = "points_restored"
            case pointsTakenBack = "points_taken_back", balance, debt, tier
        }
    }

    /// Points that expire (or expired) on `day`; `balance` is what is left after they did.
    public struct PointsExpiry: Codable, Sendable, Equatable {
        public var points: Int
        public var day: CalendarDate
        public var balance: Int?

        public init(points: Int, day: CalendarDate, balance: Int? = nil) {
            self.points = points
            self.day = day
            self.balance = balance
        }

        enum CodingKeys: String, CodingKey {
            case points, day = "expires_on", balance
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            points = try container.decode(Int.self, forKey: .points)
            let text = try container.decode(String.self, forKey: .day)
            guard let day = CalendarDate(isoDate: text) else {
                throw DecodingError.dataCorruptedError(forKey: .day, in: container, debugDescription: "not a date: \(text)")
            }
            self.day = day
            balance = try container.decodeIfPresent(Int.self, forKey: .balance)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(points, forKey: .points)
            try container.encode(day.description, forKey: .day)
            try container.encodeIfPresent(balance, forKey: .balance)
        }
    }

    public struct Gift: Codable, Sendable, Equatable {
        public var name: LocalizedName
        public var expiresAt: Date

        public init(name: LocalizedName, expiresAt: Date) {
            self.name = name
            self.expiresAt = expiresAt
        }

        enum CodingKeys: String, CodingKey {
            case name, englishName = "name_en", expiresAt = "expires_at"
        }

        /// Rows queued before gifts had an English name carry one name for both languages.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let russian = try container.decode(String.self, forKey: .name)
            name = LocalizedName(russian: russian, english: try container.decodeIfPresent(String.self, forKey: .englishName) ?? russian)
            expiresAt = try container.decode(Date.self, forKey: .expiresAt)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name.russian, forKey: .name)
            try container.encode(name.english, forKey: .englishName)
            try container.encode(expiresAt, forKey: .expiresAt)
        }
    }

    public struct ReviewAlert: Codable, Sendable, Equatable {
        public var feedbackID: Int64
        public var guest: String
        public var rating: Int
        public var orderID: Int64

        public init(feedbackID: Int64, guest: String, rating: Int, orderID: Int64) {
            self.feedbackID = feedbackID
            self.guest = guest
            self.rating = rating
            self.orderID = orderID
        }

        enum CodingKeys: String, CodingKey {
            case feedbackID = "feedback_id", guest, rating, orderID = "order_id"
        }
    }

    public struct ReviewComment: Codable, Sendable, Equatable {
        public var feedbackID: Int64
        public var guest: String
        public var rating: Int
        public var text: String

        public init(feedbackID: Int64, guest: String, rating: Int, text: String) {
            self.feedbackID = feedbackID
            self.guest = guest
            self.rating = rating
            self.text = text
        }

        enum CodingKeys: String, CodingKey {
            case feedbackID = "feedback_id", guest, rating, text
        }
    }

    public struct GuestMessage: Codable, Sendable, Equatable {
        public var feedbackID: Int64
        public var guest: String
        public var text: String

        public init(feedbackID: Int64, guest: String, text: String) {
            self.feedbackID = feedbackID
            self.guest = guest
            self.text = text
        }

        enum CodingKeys: String, CodingKey {
            case feedbackID = "feedback_id", guest, text
        }
    }

    public struct BroadcastFailure: Codable, Sendable, Equatable {
        public var broadcastID: Int64
        public var failed: Int
        public var recipients: Int

        public init(broadcastID: Int64, failed: Int, recipients: Int) {
            self.broadcastID = broadcastID
            self.failed = failed
            self.recipients = recipients
        }

        enum CodingKeys: String, CodingKey {
            case broadcastID = "broadcast_id", failed, recipients
        }
    }

    public struct WebhookFailure: Codable, Sendable, Equatable {
        public var url: String
        public var error: String

        public init(url: String, error: String) {
            self.url = url
            self.error = error
        }
    }

    public struct ReferralCredit: Codable, Sendable, Equatable {
        public var points: Int
        /// The campaign's name, as the owner wrote it.
        public var campaign: String
        public var balance: Int
        /// The friend's first name, when the message goes to the referrer; nil to the friend.
        public var friend: String?

        public init(points: Int, campaign: String, balance: Int, friend: String? = nil) {
            self.points = points
            self.campaign = campaign
            self.balance = balance
            self.friend = friend
        }
    }

    public struct ReferralReversal: Codable, Sendable, Equatable {
        public var points: Int
        public var campaign: String
        public var balance: Int
        public var debt: Int
        /// The friend's first name, when the message goes to the referrer; nil to the friend.
        public var friend: String?

        public init(points: Int, campaign: String, balance: Int, debt: Int, friend: String? = nil) {
            self.points = points
            self.campaign = campaign
            self.balance = balance
            self.debt = debt
            self.friend = friend
        }
    }

    public struct WelcomeCredit: Codable, Sendable, Equatable {
        public var points: Int
        /// The campaign's name, as the owner wrote it.
        public var campaign: String
        public var balance: Int

        public init(points: Int, campaign: String, balance: Int) {
            self.points = points
            self.campaign = campaign
            self.balance = balance
        }
    }

    /// A sale's stamp on the guest's visit card.
    public struct VisitStamp: Codable, Sendable, Equatable {
        public var campaign: String
        public var progress: VisitProgress

        public init(campaign: String, progress: VisitProgress) {
            self.campaign = campaign
            self.progress = progress
        }
    }
}
