import Domain
import Foundation
import Runtime
import Store

/// One run of the points expiry job for a day in the café's time zone: first the reminders of
/// points about to expire, then the expiry of those whose day has come. By the background job,
/// or by hand with `crema run-expiry`.
public struct ExpiryRun: Sendable {
    let stores: StoreTransaction
    let clock: AppClock

    public init(stores: StoreTransaction, clock: AppClock) {
        self.stores = stores
        self.clock = clock
    }

    /// Runs for `day`, or for today in the café's time zone; returns the day and what was done.
    /// A day after today is refused: it would expire points their guests may still spend.
    public func run(for day: CalendarDate? = nil) async throws -> (day: CalendarDate, report: ExpiryReport) {
        let now = clock.now
        let settings = try await stores.settings()
        let actualToday = CalendarDate(now, in: settings.cafeTimeZone)
        if let day, day > actualToday { throw ExpiryDayInFuture(day: day, today: actualToday) }
        let today = day ?? actualToday
        var report = try await stores.loyalty.expirePoints(today: today, at: now)
        report.reminded = try await stores.loyalty.remindOfExpiringPoints(
            today: today, reminderDays: settings.expiryReminderDays, at: now)
        return (today, report)
    }
}

/// `crema run-expiry --date` named a day that has not come yet.
public struct ExpiryDayInFuture: Error, CustomStringConvertible {
    public let day: CalendarDate
    public let today: CalendarDate

    public var description: String { "\(day) has not come yet (today is \(today) in the café's time zone)" }
}
