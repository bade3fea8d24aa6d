import Domain
import Foundation

public struct GiftCatalogItem: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var name: LocalizedName
    public var validDays: Int
    public var active: Bool
}

/// A gift a guest holds (or held).
public struct CustomerGift: Sendable, Equatable {
    public var id: Int64
    public var customerID: Int64
    public var name: LocalizedName
    public var reason: String
    public var issuedAt: Date
    public var expiresAt: Date
    public var redeemedAt: Date?
}
