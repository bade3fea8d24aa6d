import Foundation

extension CalendarDate {
    /// The calendar date `date` falls on in `timeZone` (the café's, for birthdays).
    public init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }
}

extension CalendarDate {
    /// Reads `YYYY-MM-DD`; nil for impossible dates.
    public init?(isoDate text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...9999).contains(year), (1...12).contains(month), (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Midnight at the start of this day in `zone`.
    public func start(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }

    public func adding(days: Int) -> CalendarDate {
        let utc = TimeZone(identifier: "UTC")!
        return CalendarDate(start(in: utc).addingTimeInterval(Double(days) * 86_400), in: utc)
    }

    /// Whole days from `earlier` to this date.
    public func daysSince(_ earlier: CalendarDate) -> Int {
        let utc = TimeZone(identifier: "UTC")!
        return Int((start(in: utc).timeIntervalSince(earlier.start(in: utc)) / 86_400).rounded())
    }
}
