import Foundation

/// A partner's URL that hears about events as they happen.
public struct WebhookEndpoint: Sendable, Equatable {
    /// Every event an endpoint may subscribe to.
    public static let eventTypes = [
        "customer.registered", "order.confirmed", "order.cancelled", "order.refunded",
        "gift.issued", "gift.redeemed", "points.expired", "tier.changed",
    ]
    /// The event "Send a test event" sends; nobody subscribes to it.
    public static let testEventType = "webhook.test"
    /// The reason an endpoint the owner switched off gives; any other was Crema's, after failures.
    public static let switchedOffByOwner = "switched off by the owner"

    public var id: Int64
    public var url: String
    public var events: [String]
    public var description: String?
    public var active: Bool
    /// Why the sender switched it off, when it did.
    public var disabledReason: String?
    public var createdAt: Date
    /// Deliveries still waiting, and those that failed for good.
    public var pending: Int
    public var failed: Int

    /// Off because its deliveries kept failing, not by the owner's hand: the owner is told.
    public var switchedOffAfterFailures: Bool {
        !active && disabledReason.map { $0 != Self.switchedOffByOwner } ?? false
    }
}

/// One attempt record of an event to an endpoint, as the admin page lists it.
public struct WebhookDeliveryRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, delivered, failed }

    public var id: Int64
    public var eventID: String
    public var type: String
    public var status: Status
    public var attempts: Int
    public var lastStatusCode: Int?
    public var lastError: String?
    public var lastDurationMilliseconds: Int?
    public var lastAttemptAt: Date?
    public var nextAttemptAt: Date
    public var createdAt: Date
}

/// A delivery the sender took: the event's body and where and how to sign and send it.
public struct DueWebhookDelivery: Sendable, Equatable {
    public var id: Int64
    public var attempts: Int
    public var endpointID: Int64
    public var url: String
    public var secret: String
    public var eventID: String
    public var type: String
    /// The event's object, as JSON.
    public var data: String
    public var occurredAt: Date
    /// When this delivery was queued (or queued again by hand): retried for a day from here.
    public var queuedAt: Date
}
