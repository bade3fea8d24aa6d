/// "Welcome: 100 points" or "Welcome: a free drink": given once when a guest registers, and
/// never again to the same phone number or Telegram account, whatever happens to the account.
public struct WelcomeBonus: Sendable, Equatable, Codable, DatedCampaignRule {
    /// Points credited; 0 when the bonus is a gift.
    public var points: Int
    /// The catalogue item given, when the bonus is a gift.
    public var giftCatalogID: Int64?
    /// The registrations it is given on; nil is every day while it runs.
    public var dates: CampaignDates?

    public static let pointsRange = 1...10_000

    public init(points: Int = 0, giftCatalogID: Int64? = nil, dates: CampaignDates? = nil) {
        self.points = points
        self.giftCatalogID = giftCatalogID
        self.dates = dates
    }

    enum CodingKeys: String, CodingKey {
        case points, giftCatalogID = "gift_catalog_id", dates
    }

    /// What is wrong with the bonus as an owner typed it, or nil when it can run.
    public var problem: CampaignProblem? {
        if let problem = dates?.problem { return problem }
        switch (points, giftCatalogID) {
        case (0, nil): return .welcomeNeedsPointsOrGift
        case (0, _?): return nil
        case (_, nil): return Self.pointsRange.contains(points) ? nil : .welcomePointsOutOfRange
        case (_, _?): return .welcomeNeedsPointsOrGift
        }
    }
}
