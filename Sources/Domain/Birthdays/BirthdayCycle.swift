/// A calendar date without time or zone, as birthdays are.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Reads `DD.MM.YYYY` as guests type it; nil for impossible dates.
    public init?(russianFormat text: String) {
        let parts = text.trimmingWhitespace().split(separator: ".")
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
            let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
            (1...12).contains(month), (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }
}

/// Which birthday, if any, a given day celebrates.
public enum BirthdayCycle {
    /// A plausible birth date for a guest: not in the future, not more than 120 years ago.
    public static func isPlausible(_ birthDate: CalendarDate, today: CalendarDate) -> Bool {
        birthDate <= today && birthDate.year >= today.year - 120
    }
}

extension BirthdayCycle {
    /// The (month, day) birth dates celebrated on `today`: the day itself, plus 29 February on
    /// 28 February of a common year.
    public static func birthDatesCelebrated(on today: CalendarDate) -> [(month: Int, day: Int)] {
        var dates = [(today.month, today.day)]
        if today.month == 2, today.day == 28, !CalendarDate.isLeapYear(today.year) {
            dates.append((2, 29))
        }
        return dates
    }
}
