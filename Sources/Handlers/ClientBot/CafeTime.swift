import Domain
import Foundation

/// Dates and times as the café's guests read them, in the café's time zone (a setting).
struct CafeTime: Sendable {
    let timeZone: TimeZone

    init(identifier: String) {
        self.init(timeZone: TimeZone(identifier: identifier) ?? TimeZone(identifier: "Europe/Moscow")!)
    }

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    func today(_ now: Date) -> CalendarDate {
        CalendarDate(now, in: timeZone)
    }

    /// `25.11.2026`
    func day(_ date: Date) -> String {
        Self.dotted(CalendarDate(date, in: timeZone))
    }

    /// `09:01:30`
    func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        return [parts.hour, parts.minute, parts.second].map { pad($0 ?? 0) }.joined(separator: ":")
    }

    static func dotted(_ date: CalendarDate) -> String {
        "\(pad(date.day)).\(pad(date.month)).\(date.year)"
    }
}

private func pad(_ number: Int) -> String {
    number < 10 ? "0\(number)" : "\(number)"
}

extension CafeTime {
    /// Midnight of `now`'s day in the café's time zone.
    func startOfDay(_ now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.startOfDay(for: now)
    }
}
