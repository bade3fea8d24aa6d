import Foundation

/// How long earned points stay spendable: `months` after the day they were earned (0: forever).
/// Points earned on 31 January with one month expire on the last day of February.
public struct PointsValidity: Sendable, Equatable {
    public let months: Int

    public init(months: Int) {
        self.months = max(0, months)
    }

    public static let forever = PointsValidity(months: 0)

    /// The day points earned on `day` expire, or nil when they never do.
    public func expiry(ofPointsEarnedOn day: CalendarDate) -> CalendarDate? {
        months > 0 ? day.adding(months: months) : nil
    }

    /// The day points earned at `moment` expire, `moment` read in the café's `timeZone`.
    public func expiry(ofPointsEarnedAt moment: Date, in timeZone: TimeZone) -> CalendarDate? {
        expiry(ofPointsEarnedOn: CalendarDate(moment, in: timeZone))
    }
}

extension CalendarDate {
    /// The same day `months` months later, or the month's last day when it is shorter.
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let (newYear, newMonth) = (index / 12, index % 12 + 1)
        return CalendarDate(year: newYear, month: newMonth, day: min(day, CalendarDate.daysIn(month: newMonth, year: newYear)))
    }
}
