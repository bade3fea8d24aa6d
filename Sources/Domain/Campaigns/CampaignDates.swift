/// The days a campaign runs, in the café's calendar: from `startsOn` to `endsOn`, both included;
/// either left out does not limit. Set ahead, it schedules the campaign.
public struct CampaignDates: Sendable, Equatable, Codable {
    public var startsOn: CalendarDate?
    public var endsOn: CalendarDate?

    public init(startsOn: CalendarDate? = nil, endsOn: CalendarDate? = nil) {
        self.startsOn = startsOn
        self.endsOn = endsOn
    }

    enum CodingKeys: String, CodingKey {
        case startsOn = "starts_on", endsOn = "ends_on"
    }

    public func includes(_ day: CalendarDate) -> Bool {
        if let startsOn, day < startsOn { return false }
        if let endsOn, day > endsOn { return false }
        return true
    }

    public var problem: CampaignProblem? {
        if let startsOn, let endsOn, endsOn < startsOn { return .endsBeforeItStarts }
        return nil
    }
}

/// A campaign rule that may be limited to dates.
public protocol DatedCampaignRule {
    var dates: CampaignDates? { get }
}

extension DatedCampaignRule {
    /// Whether the campaign runs on `day` (the café's calendar); a rule without dates always does.
    public func runs(on day: CalendarDate) -> Bool {
        dates?.includes(day) ?? true
    }
}
