/// A campaign the café runs itself: a rule stored as data, with the version every order it
/// touches keeps, so a campaign changed or ended later never rewrites history.
public struct Campaign: Sendable, Equatable, Codable, Identifiable {
    public var id: Int64
    public var version: Int
    public var name: String
    public var multiplier: PointsMultiplier

    public init(id: Int64, version: Int, name: String, multiplier: PointsMultiplier) {
        self.id = id
        self.version = version
        self.name = name
        self.multiplier = multiplier
    }
}

/// What one campaign added to one sale, kept with the order and named on the receipt.
public struct CampaignEffect: Sendable, Equatable, Codable {
    public var campaignID: Int64
    public var version: Int
    public var name: String
    public var points: Int

    public init(campaignID: Int64, version: Int, name: String, points: Int) {
        self.campaignID = campaignID
        self.version = version
        self.name = name
        self.points = points
    }

    enum CodingKeys: String, CodingKey {
        case campaignID = "campaign_id", version, name, points
    }
}
