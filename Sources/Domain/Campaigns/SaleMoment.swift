import Foundation

/// When and where a sale happens, as a campaign window reads it: the café's local day, weekday
/// and time of day, the location and the guest's tier before the sale.
public struct SaleMoment: Sendable, Equatable {
    public var day: CalendarDate
    /// 1 Monday … 7 Sunday (ISO 8601).
    public var weekday: Int
    /// Minutes since local midnight.
    public var minuteOfDay: Int
    public var locationID: Int64?

    public init(day: CalendarDate, weekday: Int, minuteOfDay: Int, locationID: Int64?) {
        self.day = day
        self.weekday = weekday
        self.minuteOfDay = minuteOfDay
        self.locationID = locationID
    }

    /// The moment `date` in `timeZone` at `locationID`.
    public init(_ date: Date, in timeZone: TimeZone, locationID: Int64?) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        self.day = CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
        // Foundation counts Sunday as 1.
        self.weekday = ((parts.weekday ?? 1) + 5) % 7 + 1
        self.minuteOfDay = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        self.locationID = locationID
    }
}
