import Domain
import Testing

@Suite struct LoyaltyRulesTests {
    let rules = LoyaltyRules.defaults

    @Test func tiersStartAtTheirThresholds() {
        #expect(rules.tier(forSpend: .zero) == .standard)
        #expect(rules.tier(forSpend: Money(kopecks: 1_499_999)) == .standard)
        #expect(rules.tier(forSpend: .rubles(15_000)) == .silver)
        #expect(rules.tier(forSpend: .rubles(40_000)) == .gold)
        #expect(rules.tier(forSpend: .rubles(80_000)) == .platinum)
        #expect(rules.tier(forSpend: .rubles(1_000_000)) == .platinum)
    }

    @Test func spendToNextTierCountsDownAndStopsAtTheTop() {
        #expect(rules.spendToNextTier(from: .rubles(10_000)) == .rubles(5_000))
        #expect(rules.spendToNextTier(from: .rubles(90_000)) == nil)
        // A Gold floor with Standard spend: the next step is Platinum.
        #expect(rules.spendToNextTier(from: .rubles(1_000), holding: .gold) == .rubles(79_000))
    }
}
