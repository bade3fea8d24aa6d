/// Loyalty tiers, lowest first. A guest climbs by qualification spend.
public enum Tier: String, CaseIterable, Comparable, Sendable, Codable {
    case standard, silver, gold, platinum

    public static func < (lhs: Tier, rhs: Tier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var next: Tier? {
        let index = Tier.allCases.firstIndex(of: self)!
        return index + 1 < Tier.allCases.count ? Tier.allCases[index + 1] : nil
    }
}
