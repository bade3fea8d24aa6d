/// Points that arrived together and expire together.
public struct PointLot: Sendable, Equatable, Identifiable {
    public let id: Int64
    public var remaining: Int
    /// The day the points expire (the first day they can no longer be spent), in the café's time
    /// zone; nil never expires.
    public let expiresOn: CalendarDate?

    public init(id: Int64, remaining: Int, expiresOn: CalendarDate?) {
        self.id = id
        self.remaining = remaining
        self.expiresOn = expiresOn
    }
}

/// Points moved into (positive) or out of (negative) one lot; each becomes one ledger row.
public struct LotMovement: Sendable, Equatable {
    public let lotID: Int64
    public let points: Int

    public init(lotID: Int64, points: Int) {
        self.lotID = lotID
        self.points = points
    }
}

/// A guest's lots, oldest first, and the rules that move points between them and the ledger.
///
/// The sum of the lots is the balance. Spending and manual debits draw oldest first; a reversal
/// of earned points draws from the lot the sale created first, then oldest first, and what the
/// lots cannot cover is the caller's to turn into points debt. Points given back go to the lots
/// they were drawn from.
public struct PointLots: Sendable, Equatable {
    public private(set) var lots: [PointLot]

    /// `lots` ordered oldest first.
    public init(_ lots: [PointLot]) {
        self.lots = lots
    }

    public var total: Int { lots.reduce(0) { $0 + $1.remaining } }

    /// Adds a new lot (the newest).
    public mutating func add(_ lot: PointLot) {
        lots.append(lot)
    }

    /// Takes `points` oldest first; the lots must hold them.
    public mutating func draw(_ points: Int) throws(LoyaltyError) -> [LotMovement] {
        guard points <= total else { throw .insufficientPoints(balance: total) }
        let (moves, _) = take(points, preferring: nil)
        return moves
    }

    /// Takes up to `points` from lot `preferred` first, then oldest first; returns the movements and
    /// what the lots could not cover.
    public mutating func takeBack(_ points: Int, preferring preferred: Int64?) -> (moves: [LotMovement], shortfall: Int) {
        take(points, preferring: preferred)
    }

    /// Puts points back into the lots named (drawn from earlier), creating none.
    public mutating func restore(_ moves: [LotMovement]) {
        for move in moves where move.points > 0 {
            if let index = lots.firstIndex(where: { $0.id == move.lotID }) {
                lots[index].remaining += move.points
            }
        }
    }

    /// Gives back up to `points` of what an order drew (`drawn`: positive, oldest first) into the
    /// lots they came from, undoing the newest draw first.
    public mutating func giveBack(_ points: Int, of drawn: [LotMovement]) -> [LotMovement] {
        var left = points
        var moves: [LotMovement] = []
        for draw in drawn.reversed() where left > 0 && draw.points > 0 {
            let back = min(left, draw.points)
            moves.append(LotMovement(lotID: draw.lotID, points: back))
            left -= back
        }
        restore(moves)
        return moves
    }

    /// Empties every lot that expires on or before `today`; one movement per lot that ran out.
    public mutating func expire(on today: CalendarDate) -> [LotMovement] {
        var moves: [LotMovement] = []
        for index in lots.indices {
            guard let day = lots[index].expiresOn, day <= today, lots[index].remaining > 0 else { continue }
            moves.append(LotMovement(lotID: lots[index].id, points: -lots[index].remaining))
            lots[index].remaining = 0
        }
        return moves
    }

    private mutating func take(_ points: Int, preferring preferred: Int64?) -> (moves: [LotMovement], shortfall: Int) {
        var left = max(0, points)
        var moves: [LotMovement] = []
        var order = Array(lots.indices)
        if let preferred, let index = lots.firstIndex(where: { $0.id == preferred }) {
            order.removeAll { $0 == index }
            order.insert(index, at: 0)
        }
        for index in order where left > 0 && lots[index].remaining > 0 {
            let taken = min(left, lots[index].remaining)
            lots[index].remaining -= taken
            left -= taken
            moves.append(LotMovement(lotID: lots[index].id, points: -taken))
        }
        return (moves, left)
    }
}
