import Domain
import Foundation
import Store

extension ProfileView {
    /// What a guest's profile shows, read once for the bot and the card Mini App alike.
    static func load(_ customer: Customer, tx: StoreTransaction, language: Language, at now: Date) async throws -> ProfileView {
        let settings = try await tx.settings()
        let cafe = CafeTime(identifier: settings.timeZone)
        let gifts = try await tx.loyalty.activeGifts(customerID: customer.id, at: now)
        let account = customer.account
        let next = account.tier.next.flatMap { tier in
            settings.rules.spendToNextTier(from: account.qualificationSpend, holding: account.tier).map { (tier: tier, spend: $0) }
        }
        return ProfileView(
            name: customer.firstName, tier: account.tier, balance: account.balance, debt: account.debt,
            toNextTier: next, gifts: gifts.map { (name: $0.name[language], until: cafe.day($0.expiresAt)) },
            expiring: customer.upcomingExpiry.map { (points: $0.points, day: CafeTime.dotted($0.day)) },
            visits: try await tx.loyalty.visitCard(customerID: customer.id, at: now)
        )
    }
}
