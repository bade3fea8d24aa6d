/// The owner-editable rules a sale is computed with. Every order stores the values it used, so a
/// later change never rewrites history.
public struct LoyaltyRules: Sendable, Equatable, Codable {
    /// Qualification spend from which each tier starts (Standard starts at zero).
    public var tierThresholds: [Tier: Money]
    /// Points earned per 100 kopecks paid, in percent of the amount paid, per tier.
    public var earnRatePercent: [Tier: Int]
    /// At most this share of an order may be paid with points.
    public var redeemCapPercent: Int
    /// Orders above this amount are refused as a typing mistake.
    public var maximumSale: Money

    public init(tierThresholds: [Tier: Money], earnRatePercent: [Tier: Int], redeemCapPercent: Int, maximumSale: Money) {
        self.tierThresholds = tierThresholds
        self.earnRatePercent = earnRatePercent
        self.redeemCapPercent = redeemCapPercent
        self.maximumSale = maximumSale
    }

    /// The product's defaults (shared/PRODUCT.md).
    public static let defaults = LoyaltyRules(
        tierThresholds: [.standard: .zero, .silver: .rubles(15_000), .gold: .rubles(40_000), .platinum: .rubles(80_000)],
        earnRatePercent: [.standard: 1, .silver: 2, .gold: 3, .platinum: 5],
        redeemCapPercent: 30,
        maximumSale: .rubles(100_000)
    )

    /// The highest tier whose threshold the spend reaches.
    public func tier(forSpend spend: Money) -> Tier {
        Tier.allCases.last { spend >= (tierThresholds[$0] ?? .zero) } ?? .standard
    }

    public func earnRate(for tier: Tier) -> Int {
        earnRatePercent[tier] ?? 0
    }

    /// Spend still needed to reach the tier above the one held, or nil at the top. A guest may
    /// hold a tier their spend alone does not reach (a floor brought from the original system).
    public func spendToNextTier(from spend: Money, holding held: Tier = .standard) -> Money? {
        guard let next = max(held, tier(forSpend: spend)).next, let threshold = tierThresholds[next] else { return nil }
        return threshold - spend
    }
}
