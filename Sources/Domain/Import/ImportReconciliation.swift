/// What one table of the import did: rows read, taken in now, found from an earlier run, refused.
public struct ImportTally: Sendable, Equatable {
    public var table: String
    public var read = 0
    /// Rows this run takes in (a dry run: would take in).
    public var imported = 0
    /// Rows an earlier run took in already.
    public var alreadyImported = 0
    /// Rows v1 holds that are history only (used gifts): nothing to take in.
    public var historyOnly = 0
    public var refused: [ImportRefusal] = []
    /// Rows taken in with something left out, and disagreements reported.
    public var notes: [ImportRefusal] = []

    public init(table: String) { self.table = table }
}

/// The import's account of itself, the same for a dry run and a real one: per table, rows read,
/// to import, already imported and refused with reasons; points in against points out; the sums
/// of orders in and out.
public struct ImportReconciliation: Sendable, Equatable {
    public var dryRun: Bool
    public var location: String
    public var giftValidDays: Int
    public var users = ImportTally(table: "users")
    public var baristas = ImportTally(table: "baristas")
    public var orders = ImportTally(table: "orders")
    public var gifts = ImportTally(table: "gifts")
    public var feedback = ImportTally(table: "feedbacks+ideas")
    /// Sum of `users.points` over the v1 guests (role client).
    public var pointsIn = 0
    /// Opening entries of the guests imported now or before.
    public var pointsOut = 0
    /// Balances of refused guests.
    public var pointsOfRefusedGuests = 0
    /// Negative balances of imported guests, not taken in.
    public var negativePointsLeftOut = 0
    /// Gifts the active gift rows stand for (a row may hold several), new or already in.
    public var giftsIssued = 0
    public var ordersSumIn = Money.zero
    public var ordersSumOut = Money.zero
    public var ordersSumRefused = Money.zero

    public init(dryRun: Bool, location: String, giftValidDays: Int) {
        self.dryRun = dryRun
        self.location = location
        self.giftValidDays = giftValidDays
    }

    public var tallies: [ImportTally] { [users, baristas, orders, gifts, feedback] }

    /// Points in equal points out plus what was left out, and the same for the orders' sums.
    public var balances: Bool {
        pointsIn == pointsOut + pointsOfRefusedGuests + negativePointsLeftOut
            && ordersSumIn == ordersSumOut + ordersSumRefused
    }

    /// The report the command prints; `detail` caps the lines listed per table and kind.
    public func lines(detail: Int = 50) -> [String] {
        var lines = [
            dryRun
                ? "v1 import, dry run: nothing was changed"
                : "v1 import into location \(location): done",
            "table             read   import  already  history  refused",
        ]
        for tally in tallies {
            lines.append(
                tally.table.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + [tally.read, tally.imported, tally.alreadyImported, tally.historyOnly, tally.refused.count]
                    .map { String($0).leftPadded(to: 9) }.joined())
        }
        lines.append(
            "points   in \(pointsIn) = out \(pointsOut) + on refused guests \(pointsOfRefusedGuests) + negative balances left out \(negativePointsLeftOut)"
        )
        lines.append("orders   sum in \(ordersSumIn) = out \(ordersSumOut) + refused \(ordersSumRefused)")
        lines.append("gifts    \(giftsIssued) active v1 gifts come in, valid for \(giftValidDays) days")
        lines.append(balances ? "reconciled: every point and ruble is accounted for" : "NOT RECONCILED: the sums above disagree")
        for tally in tallies {
            for (heading, rows) in [("refused", tally.refused), ("note", tally.notes)] where !rows.isEmpty {
                for row in rows.prefix(detail) { lines.append("\(heading): \(row)") }
                if rows.count > detail { lines.append("\(heading): … and \(rows.count - detail) more in \(tally.table)") }
            }
        }
        return lines
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
