import Foundation

/// One gift a v1 guest still has, as an active gift of the catalogue item of its type.
public struct ImportedGift: Sendable, Equatable {
    public var sourceID: Int64
    /// A v1 row of `amount` 2 becomes two gifts: part 1 and part 2.
    public var part: Int
    public var guestSourceID: Int64
    /// The catalogue slug: `drink` or `sandwich`.
    public var catalogSlug: String
    public var issuedAt: Date

    public var source: String { ImportSource.v1("gifts", sourceID, part: part) }
    public var guestSource: String { ImportSource.v1("users", guestSourceID) }
}

public enum GiftVetting {
    public enum Outcome: Sendable, Equatable {
        case active([ImportedGift])
        /// Written off in v1: history, nothing to give.
        case used
        case refused(ImportRefusal)
    }

    public static func vet(_ gift: V1.Gift, guests: Set<Int64>) -> Outcome {
        func refuse(_ reason: String) -> Outcome { .refused(ImportRefusal("gifts", gift.id, reason)) }
        guard gift.isWrittenOff != true else { return .used }
        guard let userID = gift.userID, guests.contains(userID) else {
            return refuse(gift.userID.map { "its guest users \($0) is not imported" } ?? "no guest (user_id is empty)")
        }
        guard ["drink", "sandwich"].contains(gift.type) else { return refuse("type \"\(gift.type)\" is neither drink nor sandwich") }
        let amount = gift.amount ?? 1
        guard (1...20).contains(amount) else { return refuse("amount \(amount) is not a number of gifts") }
        return .active(
            (1...amount).map {
                ImportedGift(sourceID: gift.id, part: $0, guestSourceID: userID, catalogSlug: gift.type, issuedAt: gift.createdAt)
            })
    }

    /// Guests whose v1 counters (`gift_drinks`, `gift_sandwiches`) disagree with their unused gift
    /// rows. The rows are what comes in (each is a gift someone issued); the counters are reported.
    public static func counterDisagreements(users: [V1.User], gifts: [V1.Gift], guests: Set<Int64>) -> [ImportRefusal] {
        var held: [Int64: (drinks: Int, sandwiches: Int)] = [:]
        for gift in gifts where gift.isWrittenOff != true {
            guard let userID = gift.userID else { continue }
            let amount = gift.amount ?? 1
            if gift.type == "drink" { held[userID, default: (0, 0)].drinks += amount }
            if gift.type == "sandwich" { held[userID, default: (0, 0)].sandwiches += amount }
        }
        return users.filter { guests.contains($0.id) }.compactMap { user in
            let rows = held[user.id] ?? (0, 0)
            var parts: [String] = []
            if rows.drinks != user.giftDrinks { parts.append("gift_drinks says \(user.giftDrinks), gift rows hold \(rows.drinks)") }
            if rows.sandwiches != user.giftSandwiches {
                parts.append("gift_sandwiches says \(user.giftSandwiches), gift rows hold \(rows.sandwiches)")
            }
            return parts.isEmpty ? nil : ImportRefusal("users", user.id, parts.joined(separator: "; ") + " (the rows come in)")
        }
    }
}
