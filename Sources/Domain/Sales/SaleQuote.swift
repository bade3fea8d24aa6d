/// How many points the barista or POS wants to spend on an order.
public enum RedeemRequest: Sendable, Equatable, Codable {
    case none
    /// As many as the cap and the balance allow.
    case maximum
    case points(Int)
}

/// Everything a sale grants and takes, computed once and stored with the order, so a
/// confirmation writes exactly what the quote showed and a cancellation undoes exactly that.
public struct SaleQuote: Sendable, Equatable, Codable {
    public var amount: Money
    public var maxRedeemable: Int
    public var pointsRedeemed: Int
    public var amountToPay: Money
    /// Points the paid amount earns at the tier's rate, before any debt is repaid.
    public var pointsEarned: Int
    /// Part of `pointsEarned` that repays points debt instead of reaching the balance.
    public var debtRepaid: Int
    public var tierBefore: Tier
    public var tierAfter: Tier
    public var earnRatePercent: Int
    public var redeemCapPercent: Int
    /// The campaigns that added points to `pointsEarned`, with what each added.
    public var campaignEffects: [CampaignEffect]

    public init(
        amount: Money, maxRedeemable: Int, pointsRedeemed: Int, amountToPay: Money, pointsEarned: Int, debtRepaid: Int,
        tierBefore: Tier, tierAfter: Tier, earnRatePercent: Int, redeemCapPercent: Int, campaignEffects: [CampaignEffect] = []
    ) {
        self.amount = amount
        self.maxRedeemable = maxRedeemable
        self.pointsRedeemed = pointsRedeemed
        self.amountToPay = amountToPay
        self.pointsEarned = pointsEarned
        self.debtRepaid = debtRepaid
        self.tierBefore = tierBefore
        self.tierAfter = tierAfter
        self.earnRatePercent = earnRatePercent
        self.redeemCapPercent = redeemCapPercent
        self.campaignEffects = campaignEffects
    }

    enum CodingKeys: String, CodingKey {
        case amount, maxRedeemable, pointsRedeemed, amountToPay, pointsEarned, debtRepaid, tierBefore, tierAfter
        case earnRatePercent, redeemCapPercent, campaignEffects
    }

    /// Quotes kept before campaigns existed (a barista's pending sale) read with none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        amount = try container.decode(Money.self, forKey: .amount)
        maxRedeemable = try container.decode(Int.self, forKey: .maxRedeemable)
        pointsRedeemed = try container.decode(Int.self, forKey: .pointsRedeemed)
        amountToPay = try container.decode(Money.self, forKey: .amountToPay)
        pointsEarned = try container.decode(Int.self, forKey: .pointsEarned)
        debtRepaid = try container.decode(Int.self, forKey: .debtRepaid)
        tierBefore = try container.decode(Tier.self, forKey: .tierBefore)
        tierAfter = try container.decode(Tier.self, forKey: .tierAfter)
        earnRatePercent = try container.decode(Int.self, forKey: .earnRatePercent)
        redeemCapPercent = try container.decode(Int.self, forKey: .redeemCapPercent)
        campaignEffects = try container.decodeIfPresent([CampaignEffect].self, forKey: .campaignEffects) ?? []
    }

    /// Points the campaigns added.
    public var campaignPoints: Int { campaignEffects.reduce(0) { $0 + $1.points } }

    /// Points that reach the balance.
    public var pointsCredited: Int { pointsEarned - debtRepaid }

    public var balanceChange: Int { pointsCredited - pointsRedeemed }

    /// Computes a sale. Points are earned on the amount actually paid, rounded down, and none at
    /// all when any points are redeemed. At most `redeemCapPercent` of the amount may be paid with
    /// points (1 point = 1 ₽), and never more than the balance.
    ///
    /// Campaigns open at `moment` multiply the tier's rate: the highest multiplier applies (never
    /// the product of several), the oldest campaign winning a tie; on a sale that spends points
    /// only a campaign that says so earns, on what was paid in money.
    public static func compute(
        amount: Money,
        redeem: RedeemRequest,
        account: LoyaltyAccount,
        rules: LoyaltyRules,
        campaigns: [Campaign] = [],
        at moment: SaleMoment? = nil
    ) throws(LoyaltyError) -> SaleQuote {
        guard amount.kopecks > 0 else { throw .invalidAmount }
        guard amount <= rules.maximumSale else { throw .amountTooLarge(maximum: rules.maximumSale) }

        let capInRubles = Int(amount.kopecks * Int64(rules.redeemCapPercent) / 100 / 100)
        let maxRedeemable = max(0, min(capInRubles, account.balance))

        let redeemed: Int
        switch redeem {
        case .none:
            redeemed = 0
        case .maximum:
            redeemed = maxRedeemable
        case .points(let points):
            guard points >= 0 else { throw .invalidPoints }
            guard points <= account.balance else { throw .insufficientPoints(balance: account.balance) }
            guard points <= capInRubles else { throw .redeemAboveCap(maximum: maxRedeemable) }
            redeemed = points
        }

        let amountToPay = amount - .rubles(Int64(redeemed))
        let rate = rules.earnRate(for: account.tier)
        let base = redeemed > 0 ? 0 : Int(amountToPay.kopecks * Int64(rate) / 100 / 100)
        var earned = base
        var effects: [CampaignEffect] = []
        if let moment,
            let best = campaigns.filter({
                $0.multiplier.applies(at: moment, tier: account.tier) && (redeemed == 0 || $0.multiplier.evenWhenRedeeming)
            }).min(by: { first, second in
                first.multiplier.percent == second.multiplier.percent
                    ? first.id < second.id : first.multiplier.percent > second.multiplier.percent
            })
        {
            earned = Int(amountToPay.kopecks * Int64(rate) * Int64(best.multiplier.percent) / 100 / 100 / 100)
            if earned > base {
                effects = [CampaignEffect(campaignID: best.id, version: best.version, name: best.name, points: earned - base)]
            }
        }
        let debtRepaid = min(earned, account.debt)
        let tierAfter = max(account.tier, rules.tier(forSpend: account.qualificationSpend + amount))

        return SaleQuote(
            amount: amount,
            maxRedeemable: maxRedeemable,
            pointsRedeemed: redeemed,
            amountToPay: amountToPay,
            pointsEarned: earned,
            debtRepaid: debtRepaid,
            tierBefore: account.tier,
            tierAfter: tierAfter,
            earnRatePercent: rate,
            redeemCapPercent: rules.redeemCapPercent,
            campaignEffects: effects
        )
    }
}
