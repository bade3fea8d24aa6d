/// The 6-digit code a guest shows at the till to identify themselves.
public struct PaymentCode: Hashable, Sendable, Codable, CustomStringConvertible {
    public let digits: String

    /// Accepts what a barista types: `123456`, `123 456`, `123-456`.
    public init?(typed text: String) {
        let digits = text.filter { !$0.isWhitespace && $0 != "-" }
        guard digits.count == 6, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        self.digits = digits
    }

    /// Makes a code from a random number in 0...999_999.
    public init(number: UInt64) {
        let value = String(number % 1_000_000)
        self.digits = String(repeating: "0", count: 6 - value.count) + value
    }

    /// `123 456`: easier to read aloud and to type.
    public var description: String {
        String(digits.prefix(3)) + " " + String(digits.suffix(3))
    }
}
