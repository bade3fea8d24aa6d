/// An amount of roubles held as whole kopecks. Money is never floating point.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var kopecks: Int64

    public init(kopecks: Int64) {
        self.kopecks = kopecks
    }

    public static func rubles(_ rubles: Int64) -> Money {
        Money(kopecks: rubles * 100)
    }

    public static let zero = Money(kopecks: 0)

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.kopecks < rhs.kopecks }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(kopecks: lhs.kopecks + rhs.kopecks) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(kopecks: lhs.kopecks - rhs.kopecks) }

    /// Whole roubles, rounded down.
    public var wholeRubles: Int64 { kopecks / 100 }

    /// `350 ₽`, `350,50 ₽`, `1 250 ₽` (thin grouping as written in Russia).
    public var description: String {
        let sign = kopecks < 0 ? "-" : ""
        let magnitude = kopecks.magnitude
        let rubles = String(magnitude / 100)
        var grouped = ""
        for (index, digit) in rubles.reversed().enumerated() {
            if index > 0, index % 3 == 0 { grouped.append("\u{202F}") }
            grouped.append(digit)
        }
        let cents = magnitude % 100
        let fraction = cents == 0 ? "" : "," + (cents < 10 ? "0" : "") + String(cents)
        return sign + String(grouped.reversed()) + fraction + " ₽"
    }

    /// Reads what a barista types at the till: `350`, `350.50`, `350,5`, `1 250`, and with the
    /// currency as people write it: `350р`, `350 руб.`, `350 ₽`.
    /// Returns nil for anything else, including negatives and more than two decimals.
    public init?(parsing text: String) {
        var compact = text.lowercased().filter { !$0.isWhitespace && $0 != "\u{202F}" && $0 != "\u{00A0}" }.replacingComma()
        if let currency = Self.currencyMarks.first(where: { compact.hasSuffix($0) }) {
            compact = String(compact.dropLast(currency.count))
        }
        let parts = compact.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            let whole = parts.first, !whole.isEmpty, whole.count <= 12, whole.allSatisfy(\.isASCIIDigit)
        else { return nil }
        var kopecks = (Int64(whole) ?? 0) * 100
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            kopecks += (Int64(fraction) ?? 0) * (fraction.count == 1 ? 10 : 1)
        }
        self.kopecks = kopecks
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Money {
    /// Longest first, so «руб.» is not read as «руб» and a dot.
    static let currencyMarks = ["руб.", "руб", "р.", "р", "₽", "rub"]
}

extension String {
    fileprivate func replacingComma() -> String {
        String(map { $0 == "," ? "." : $0 })
    }
}

extension Money {
    /// Stored and sent as the whole number of kopecks.
    public init(from decoder: any Decoder) throws {
        self.init(kopecks: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(kopecks)
    }
}
