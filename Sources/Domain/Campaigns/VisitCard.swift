import Foundation

/// "The 6th coffee is on us": a paid sale of at least `minimumKopecks` counts a visit, at most
/// one per `hoursBetween` hours, and every `every`-th visit gives a gift from the catalogue.
public struct VisitCard: Sendable, Equatable, Codable, DatedCampaignRule {
    public var every: Int
    public var minimumKopecks: Int64
    public var hoursBetween: Int
    public var giftCatalogID: Int64
    /// The days sales count visits; nil is every day while it runs.
    public var dates: CampaignDates?

    public static let everyRange = 2...20
    public static let hoursRange = 0...168

    public init(every: Int, minimumKopecks: Int64 = 0, hoursBetween: Int = 0, giftCatalogID: Int64, dates: CampaignDates? = nil) {
        self.dates = dates
        self.every = every
        self.minimumKopecks = minimumKopecks
        self.hoursBetween = hoursBetween
        self.giftCatalogID = giftCatalogID
    }

    enum CodingKeys: String, CodingKey {
        case every, minimumKopecks = "minimum_kopecks", hoursBetween = "hours_between", giftCatalogID = "gift_catalog_id", dates
    }

    /// Whether a sale that took `paid` in money at `now` counts a visit, the guest's last counted
    /// visit having been at `lastVisit`. A sale paid wholly with points is no visit.
    public func counts(paid: Money, lastVisit: Date?, now: Date) -> Bool {
        guard paid.kopecks > 0, paid.kopecks >= minimumKopecks else { return false }
        guard let lastVisit else { return true }
        return now.timeIntervalSince(lastVisit) >= Double(hoursBetween) * 3_600
    }

    /// The card once one more visit is counted, `counted` having been counted before it.
    public func stamp(after counted: Int) -> VisitProgress {
        let total = counted + 1
        return VisitProgress(stamps: (total - 1) % every + 1, of: every, completed: total % every == 0)
    }

    /// The card as it stands after `counted` visits.
    public func progress(after counted: Int) -> VisitProgress {
        VisitProgress(stamps: counted % every, of: every, completed: false)
    }

    public var problem: CampaignProblem? {
        if let problem = dates?.problem { return problem }
        guard Self.everyRange.contains(every) else { return .visitsOutOfRange }
        guard Self.hoursRange.contains(hoursBetween) else { return .badHours }
        guard minimumKopecks >= 0 else { return .badMinimum }
        return nil
    }
}

/// "4 of 6": the stamps on the guest's card, and whether this visit filled it (the gift).
public struct VisitProgress: Sendable, Equatable, Codable {
    public var stamps: Int
    public var of: Int
    public var completed: Bool

    public init(stamps: Int, of: Int, completed: Bool) {
        self.stamps = stamps
        self.of = of
        self.completed = completed
    }
}
