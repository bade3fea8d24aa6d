import Foundation

/// Whether a payment code can still name its guest at a till.
///
/// A code lives for its lifetime (90 s by default) from the moment the guest opens it. A barista
/// who looks the guest up within that time holds the code for a few minutes more (a setting), so
/// a slow choice of points or gifts does not end in "code expired"; while the hold lasts no other
/// till (and no partner API) can use the code. The code is still consumed exactly once, by the
/// sale that uses it.
public struct CodeValidity: Sendable, Equatable {
    public var expiresAt: Date
    /// The staff member holding the code, and until when.
    public var heldBy: Int64?
    public var heldUntil: Date?

    public init(expiresAt: Date, heldBy: Int64? = nil, heldUntil: Date? = nil) {
        self.expiresAt = expiresAt
        self.heldBy = heldBy
        self.heldUntil = heldUntil
    }

    /// Why `staffID` (nil: a till that is no staff member, such as a partner's POS) cannot use
    /// the code now, or nil when it can.
    public func refusal(for staffID: Int64?, at now: Date) -> LoyaltyError? {
        if let heldBy, let heldUntil, heldUntil > now {
            return heldBy == staffID ? nil : .codeInUse
        }
        return expiresAt > now ? nil : .codeExpired
    }

    /// The moment the code stops being usable by `staffID`.
    public func usableUntil(by staffID: Int64?) -> Date {
        guard let heldBy, heldBy == staffID, let heldUntil else { return expiresAt }
        return max(expiresAt, heldUntil)
    }
}
