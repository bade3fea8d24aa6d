import Domain
import Foundation
import PartnerAPIContract
import Runtime
import Store

/// Engine values as the contract's schemas, and the contract's input as engine values.
extension Components.Schemas.Customer {
    init(_ customer: Customer, rules: LoyaltyRules) {
        let account = customer.account
        self.init(
            id: customer.id, telegramId: customer.telegramID, phone: customer.phone.e164, firstName: customer.firstName,
            lastName: customer.lastName, birthDate: customer.birthDate?.description,
            language: .init(rawValue: customer.language.rawValue) ?? .ru, tier: .init(account.tier),
            balance: account.balance, pointsDebt: account.debt, qualificationSpendKopecks: account.qualificationSpend.kopecks,
            nextTier: account.tier.next.map(Components.Schemas.Tier.init),
            spendToNextTierKopecks: rules.spendToNextTier(from: account.qualificationSpend, holding: account.tier)?.kopecks,
            nextExpiry: customer.upcomingExpiry.map { .init(points: $0.points, on: $0.day.description) }
        )
    }
}

extension Components.Schemas.Tier {
    init(_ tier: Tier) {
        self = Components.Schemas.Tier(rawValue: tier.rawValue) ?? .standard
    }
}

extension Components.Schemas.Quote {
    init(_ quote: SaleQuote) {
        self.init(
            amountKopecks: quote.amount.kopecks, maxRedeemable: quote.maxRedeemable, pointsRedeemed: quote.pointsRedeemed,
            amountToPayKopecks: quote.amountToPay.kopecks, pointsEarned: quote.pointsEarned, debtRepaid: quote.debtRepaid,
            tierBefore: .init(quote.tierBefore), tierAfter: .init(quote.tierAfter),
            campaignEffects: quote.campaignEffects.map {
                .init(campaignId: $0.campaignID, version: $0.version, name: $0.name, points: $0.points)
            }
        )
    }
}

extension Components.Schemas.Campaign {
    init(_ record: CampaignRecord) {
        func time(_ minute: Int?) -> String? { minute.map { String(format: "%02d:%02d", $0 / 60, $0 % 60) } }
        self.init(
            id: record.id, name: record.name, version: record.version, kind: .multiplier,
            status: .init(rawValue: record.status.rawValue) ?? .ended, sales: record.sales, pointsGranted: Int64(record.points),
            newGuests: record.newGuests, giftsIssued: record.giftsIssued)
        switch record.rule {
        case .multiplier(let rule):
            multiplierPercent = rule.percent
            weekdays = rule.weekdays.sorted()
            from = time(rule.fromMinute)
            to = time(rule.toMinute)
            startsOn = rule.startsOn?.description
            endsOn = rule.endsOn?.description
            locationIds = rule.locationIDs?.sorted()
            tiers = rule.tiers.map { tiers in Tier.allCases.filter(tiers.contains).map { .init($0) } }
            evenWhenRedeeming = rule.evenWhenRedeeming
        case .visits(let card):
            kind = .visits
            visitsEvery = card.every
            visitsMinimumKopecks = card.minimumKopecks
            visitsHoursBetween = card.hoursBetween
            visitsGiftCatalogId = card.giftCatalogID
        case .referral(let reward):
            kind = .referral
            referralReferrerPoints = reward.referrerPoints
            referralFriendPoints = reward.friendPoints
            referralMinimumKopecks = reward.minimumKopecks
            referralMonthlyCap = reward.monthlyCap
        case .welcome(let bonus):
            kind = .welcome
            welcomePoints = bonus.points == 0 ? nil : bonus.points
            welcomeGiftCatalogId = bonus.giftCatalogID
        }
    }
}

extension Components.Schemas.Order {
    init(_ sale: ConfirmedSale, cancelled: Bool, refunded: Money = .zero) {
        self.init(
            id: sale.orderID, customerId: sale.customerID, quote: .init(sale.quote), balanceAfter: sale.balanceAfter,
            pointsDebtAfter: sale.debtAfter, createdAt: sale.createdAt, cancelled: cancelled, refundedKopecks: refunded.kopecks
        )
    }
}

extension Components.Schemas.Gift {
    init(_ gift: CustomerGift) {
        self.init(
            id: gift.id, customerId: gift.customerID, name: gift.name.russian, nameEn: gift.name.english, reason: gift.reason,
            issuedAt: gift.issuedAt, expiresAt: gift.expiresAt, redeemedAt: gift.redeemedAt
        )
    }
}

extension Components.Schemas.OrderRequest {
    /// The redemption asked for; `points` mode needs its number.
    func redeemRequest() throws -> RedeemRequest {
        guard let redeem else { return .none }
        switch redeem.mode {
        case .none: return .none
        case .max: return .maximum
        case .points:
            guard let points = redeem.points, points > 0 else { throw Problem.invalid("redeem.points", "is required when mode is points") }
            return .points(points)
        }
    }

    var moneyAmount: Money { Money(kopecks: amountKopecks) }
}
