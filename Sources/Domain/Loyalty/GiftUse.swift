import Foundation

/// When a guest's gift can be used (at a sale or on its own).
public enum GiftUse {
    /// Throws unless the gift is still unredeemed and unexpired at `now`.
    public static func check(redeemed: Bool, expiresAt: Date, now: Date) throws(LoyaltyError) {
        guard !redeemed else { throw .giftAlreadyRedeemed }
        guard expiresAt > now else { throw .giftExpired }
    }
}
