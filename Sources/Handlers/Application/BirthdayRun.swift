import Domain
import Foundation
import Runtime
import Store

/// One run of the birthday job for a day in the café's time zone: by the background job, or by
/// hand with `crema run-birthdays`.
public struct BirthdayRun: Sendable {
    let stores: StoreTransaction
    let clock: AppClock

    public init(stores: StoreTransaction, clock: AppClock) {
        self.stores = stores
        self.clock = clock
    }

    /// Gives the gifts of `day`, or of today in the café's time zone; returns the day and how many
    /// gifts this run gave.
    public func run(for day: CalendarDate? = nil) async throws -> (day: CalendarDate, gifts: Int) {
        let now = clock.now
        let today: CalendarDate
        if let day {
            today = day
        } else {
            today = CafeTime(identifier: try await stores.settings().timeZone).today(now)
        }
        return (today, try await stores.loyalty.runBirthdayJob(today: today, at: now))
    }
}
