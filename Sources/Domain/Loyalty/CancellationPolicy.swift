import Foundation

/// Who may cancel a confirmed sale, and until when.
public struct CancellationPolicy: Sendable, Equatable {
    /// Who is asking.
    public enum Canceller: Sendable, Equatable {
        /// A barista, who may cancel only their own sale, within the window.
        case barista(staffID: Int64)
        /// A manager, who may cancel any sale of their own location, at any time.
        case manager(locationID: Int64)
        /// An admin or a partner system: any sale, at any time.
        case backOffice
    }

    /// How long after the sale a barista may still cancel it.
    public var windowMinutes: Int

    public init(windowMinutes: Int) {
        self.windowMinutes = windowMinutes
    }

    /// Throws when `canceller` may not cancel a sale that `soldBy` confirmed at `soldAt` in
    /// location `soldIn`.
    public func check(
        _ canceller: Canceller, soldBy staffID: Int64?, soldIn locationID: Int64, soldAt: Date, now: Date
    ) throws(LoyaltyError) {
        switch canceller {
        case .backOffice:
            return
        case .manager(let managersLocation):
            guard locationID == managersLocation else { throw .notYourLocation }
        case .barista(let barista):
            guard staffID == barista else { throw .notYourSale }
            guard now.timeIntervalSince(soldAt) <= TimeInterval(windowMinutes * 60) else { throw .cancelWindowPassed }
        }
    }

    /// Throws when `canceller` may not refund part of a sale of location `soldIn`: managers refund
    /// their own location's sales, the back office any; a barista asks a manager.
    public func checkRefund(_ canceller: Canceller, soldIn locationID: Int64) throws(LoyaltyError) {
        switch canceller {
        case .backOffice:
            return
        case .manager(let managersLocation):
            guard locationID == managersLocation else { throw .notYourLocation }
        case .barista:
            throw .refundNeedsManager
        }
    }
}
