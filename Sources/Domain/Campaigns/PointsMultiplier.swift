/// "×2 on weekdays 14:00–17:00": points a sale earns are multiplied while the window is open.
/// Every restriction left empty (nil) does not restrict.
public struct PointsMultiplier: Sendable, Equatable, Codable {
    /// The multiplier in percent: 200 is ×2, 150 is ×1.5.
    public var percent: Int
    /// ISO weekdays (1 Monday … 7 Sunday) it runs on; empty means every day.
    public var weekdays: Set<Int>
    /// Local time window, minutes since midnight, start included and end excluded; nil is all day.
    /// A window whose end is before its start runs past midnight (22:00–02:00).
    public var fromMinute: Int?
    public var toMinute: Int?
    public var startsOn: CalendarDate?
    public var endsOn: CalendarDate?
    public var locationIDs: Set<Int64>?
    public var tiers: Set<Tier>?
    /// Sales that spend points earn nothing (the product's rule) unless this is set: then they
    /// earn the campaign's points on what was paid in money.
    public var evenWhenRedeeming: Bool

    public static let percentRange = 101...1_000

    enum CodingKeys: String, CodingKey {
        case percent, weekdays, fromMinute = "from_minute", toMinute = "to_minute", startsOn = "starts_on", endsOn = "ends_on"
        case locationIDs = "location_ids", tiers, evenWhenRedeeming = "even_when_redeeming"
    }

    public init(
        percent: Int, weekdays: Set<Int> = [], fromMinute: Int? = nil, toMinute: Int? = nil, startsOn: CalendarDate? = nil,
        endsOn: CalendarDate? = nil, locationIDs: Set<Int64>? = nil, tiers: Set<Tier>? = nil, evenWhenRedeeming: Bool = false
    ) {
        self.percent = percent
        self.weekdays = weekdays
        self.fromMinute = fromMinute
        self.toMinute = toMinute
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.locationIDs = locationIDs
        self.tiers = tiers
        self.evenWhenRedeeming = evenWhenRedeeming
    }

    /// Whether a sale at `moment` by a guest of `tier` falls inside the window.
    public func applies(at moment: SaleMoment, tier: Tier) -> Bool {
        if let startsOn, moment.day < startsOn { return false }
        if let endsOn, moment.day > endsOn { return false }
        if let locationIDs, !locationIDs.isEmpty {
            guard let location = moment.locationID, locationIDs.contains(location) else { return false }
        }
        if let tiers, !tiers.isEmpty, !tiers.contains(tier) { return false }
        if let fromMinute, let toMinute, fromMinute != toMinute {
            if fromMinute < toMinute {
                guard weekdays.isEmpty || weekdays.contains(moment.weekday) else { return false }
                return (fromMinute..<toMinute).contains(moment.minuteOfDay)
            }
            // Past midnight: the small hours belong to the evening the window opened on.
            if moment.minuteOfDay >= fromMinute { return weekdays.isEmpty || weekdays.contains(moment.weekday) }
            guard moment.minuteOfDay < toMinute else { return false }
            return weekdays.isEmpty || weekdays.contains(moment.weekday == 1 ? 7 : moment.weekday - 1)
        }
        return weekdays.isEmpty || weekdays.contains(moment.weekday)
    }

    /// What is wrong with the rule as an owner typed it, or nil when it can run.
    public var problem: CampaignProblem? {
        guard Self.percentRange.contains(percent) else { return .multiplierOutOfRange }
        guard weekdays.allSatisfy((1...7).contains) else { return .badWeekday }
        guard (fromMinute == nil) == (toMinute == nil) else { return .halfAWindow }
        for minute in [fromMinute, toMinute].compactMap({ $0 }) where !(0..<1_440).contains(minute) { return .badTime }
        if let startsOn, let endsOn, endsOn < startsOn { return .endsBeforeItStarts }
        return nil
    }
}

/// Why a campaign as typed cannot run.
public enum CampaignProblem: Error, Sendable, Equatable {
    case emptyName
    case multiplierOutOfRange
    case badWeekday
    case halfAWindow
    case badTime
    case endsBeforeItStarts
    /// A welcome bonus is either points or a gift, not both and not neither.
    case welcomeNeedsPointsOrGift
    case welcomePointsOutOfRange
    /// Every Nth visit: N is 2 to 20.
    case visitsOutOfRange
    /// Bring a friend: each side 0 to 10,000 points, and not both 0.
    case referralPointsOutOfRange
    /// Bring a friend: 1 to 100 rewarded friends a month per referrer.
    case referralCapOutOfRange
    /// The smallest sale that counts is an amount in roubles, 0 or more.
    case badMinimum
    /// Hours between counted visits: 0 to 168.
    case badHours
    /// A date that is not YYYY-MM-DD.
    case badDate
}
