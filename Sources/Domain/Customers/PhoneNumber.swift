/// A phone number in E.164 form (`+` followed by 8 to 15 digits), the only form Crema stores.
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public let e164: String

    public var description: String { e164 }

    /// Normalises what people and Telegram actually send: `79000000000`, `+7 (900) 000-00-00`,
    /// `8 900 000 00 00` (the Russian trunk prefix), `+44 20 7946 0958`.
    ///
    /// Returns `nil` for anything that is not a plausible international number.
    public init?(normalizing raw: String) {
        let trimmed = raw.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }

        var digits = ""
        var sawPlus = false
        for (index, character) in trimmed.enumerated() {
            switch character {
            case "+" where index == 0:
                sawPlus = true
            case "0"..."9":
                digits.append(character)
            case " ", "-", "(", ")", ".":
                continue
            default:
                return nil
            }
        }

        // A domestic Russian number dialled with the trunk prefix 8 is the same as +7.
        if !sawPlus, digits.count == 11, digits.first == "8" {
            digits = "7" + digits.dropFirst()
        }
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        self.e164 = "+" + digits
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
