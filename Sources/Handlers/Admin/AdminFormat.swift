import Domain
import Foundation

/// How the panel writes money, points and times: roubles with a thin grouping, times in the
/// café's time zone.
struct AdminFormat: Sendable {
    let timeZone: TimeZone

    init(timeZoneIdentifier: String) {
        self.timeZone = TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(identifier: "Europe/Moscow")!
    }

    func money(_ kopecks: Int64) -> String {
        let roubles = kopecks / 100
        let rest = abs(kopecks % 100)
        let grouped = Self.grouped(abs(roubles))
        let sign = kopecks < 0 ? "−" : ""
        return rest == 0 ? "\(sign)\(grouped) ₽" : "\(sign)\(grouped),\(rest < 10 ? "0" : "")\(rest) ₽"
    }

    static func grouped(_ value: Int64) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append("\u{202F}") }
            out.append(character)
        }
        return out
    }

    func dateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d.%02d.%04d %02d:%02d", c.day!, c.month!, c.year!, c.hour!, c.minute!)
    }

    func date(_ date: Date) -> String {
        String(dateTime(date).prefix(10))
    }

    /// The start of a `YYYY-MM-DD` day in the café's time zone; nil for anything that is not a
    /// real date of years 1–9999 (a far year would overflow the database driver's microseconds).
    func startOfDay(_ text: String) -> Date? {
        CalendarDate(isoDate: text)?.start(in: timeZone)
    }
}
