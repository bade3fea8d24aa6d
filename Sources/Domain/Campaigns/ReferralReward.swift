import Foundation

/// "Bring a friend": a guest who registers through another guest's invite link is their friend;
/// the friend's first paid sale of at least `minimumKopecks` gives the friend `friendPoints` and
/// the referrer `referrerPoints`, the referrer at most `monthlyCap` times a calendar month.
public struct ReferralReward: Sendable, Equatable, Codable, DatedCampaignRule {
    public var referrerPoints: Int
    public var friendPoints: Int
    public var minimumKopecks: Int64
    public var monthlyCap: Int
    /// The days friends may register and be rewarded; nil is every day while it runs.
    public var dates: CampaignDates?

    public static let pointsRange = 0...10_000
    public static let capRange = 1...100

    public init(
        referrerPoints: Int, friendPoints: Int, minimumKopecks: Int64 = 0, monthlyCap: Int = 10, dates: CampaignDates? = nil
    ) {
        self.dates = dates
        self.referrerPoints = referrerPoints
        self.friendPoints = friendPoints
        self.minimumKopecks = minimumKopecks
        self.monthlyCap = monthlyCap
    }

    enum CodingKeys: String, CodingKey {
        case referrerPoints = "referrer_points", friendPoints = "friend_points", minimumKopecks = "minimum_kopecks"
        case monthlyCap = "monthly_cap", dates
    }

    /// Whether a sale that took `paid` in money rewards the referral. A sale paid wholly with
    /// points is no purchase.
    public func qualifies(paid: Money) -> Bool {
        paid.kopecks > 0 && paid.kopecks >= minimumKopecks
    }

    /// What this sale gives, the referrer having been rewarded `rewardedThisMonth` times this
    /// calendar month already: past the cap the friend is still rewarded, the referrer is not.
    public func reward(rewardedThisMonth: Int) -> (friend: Int, referrer: Int, capped: Bool) {
        let capped = rewardedThisMonth >= monthlyCap
        return (friendPoints, capped ? 0 : referrerPoints, capped)
    }

    public var problem: CampaignProblem? {
        if let problem = dates?.problem { return problem }
        guard Self.pointsRange.contains(referrerPoints), Self.pointsRange.contains(friendPoints) else {
            return .referralPointsOutOfRange
        }
        guard referrerPoints + friendPoints > 0 else { return .referralPointsOutOfRange }
        guard Self.capRange.contains(monthlyCap) else { return .referralCapOutOfRange }
        guard minimumKopecks >= 0 else { return .badMinimum }
        return nil
    }
}

extension ReferralReward {
    /// The start of the calendar month `now` falls in, in the café's time zone: the monthly cap
    /// counts the referrer's rewards from then.
    public static func monthStart(containing now: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: calendar.dateComponents([.year, .month], from: now)) ?? now
    }
}
