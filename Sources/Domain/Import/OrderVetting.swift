import Foundation

/// A v1 order as history: it keeps what v1 recorded (amount, points used or earned) and moves no
/// points, since the guest's balance comes in whole as their opening entry.
public struct ImportedOrder: Sendable, Equatable {
    public var sourceID: Int64
    public var guestSourceID: Int64
    public var baristaSourceID: Int64?
    public var amount: Money
    public var pointsRedeemed: Int
    public var pointsEarned: Int
    public var createdAt: Date

    public var source: String { ImportSource.v1("orders", sourceID) }
    public var guestSource: String { ImportSource.v1("users", guestSourceID) }
    public var baristaSource: String? { baristaSourceID.map { ImportSource.v1("baristas", $0) } }
}

/// Decides which v1 orders come in: only those of guests that come in, with a total and a
/// redemption that could have happened.
public struct OrderVetting: Sendable {
    /// Every v1 user id, imported or not: an order of an id missing here is an orphan.
    let knownUsers: Set<Int64>
    /// The guests coming in (or already in).
    let guests: Set<Int64>
    /// The baristas coming in; an order of another keeps no staff member.
    let baristas: Set<Int64>

    public init(knownUsers: Set<Int64>, guests: Set<Int64>, baristas: Set<Int64>) {
        self.knownUsers = knownUsers
        self.guests = guests
        self.baristas = baristas
    }

    public func vet(_ order: V1.Order) -> Result<ImportedOrder, ImportRefusal> {
        func refuse(_ reason: String) -> Result<ImportedOrder, ImportRefusal> { .failure(ImportRefusal("orders", order.id, reason)) }
        guard let userID = order.userID else { return refuse("no guest (user_id is empty)") }
        guard knownUsers.contains(userID) else { return refuse("its guest users \(userID) no longer exists") }
        guard guests.contains(userID) else { return refuse("its guest users \(userID) is not imported") }
        guard order.totalSum > 0 else { return refuse("total \(order.totalSum) ₽ is not a sale") }
        let used = order.usePoints == true ? order.usedPointsAmount ?? 0 : 0
        guard used >= 0, used <= order.totalSum else {
            return refuse("\(used) points used on a total of \(order.totalSum) ₽ is not possible")
        }
        return .success(
            ImportedOrder(
                sourceID: order.id, guestSourceID: userID,
                baristaSourceID: order.baristaID.flatMap { baristas.contains($0) ? $0 : nil },
                amount: .rubles(Int64(order.totalSum)), pointsRedeemed: used,
                // v1's rule: a sale that used points earned none, otherwise one point per 100 ₽.
                pointsEarned: used > 0 ? 0 : order.totalSum / 100,
                createdAt: order.createdAt
            ))
    }
}
