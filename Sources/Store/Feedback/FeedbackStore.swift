import Domain
import Foundation
import Logging
import PostgresNIO

/// Reviews, ideas and messages to management, written by the client bot and the partner API; each
/// command is atomic. Manager alerts are queued in the same transaction.
public struct FeedbackStore: SessionStore {
    public enum NoteKind: String, Sendable {
        case idea
        case message
    }

    /// Where feedback came from, shown in the admin inbox.
    public enum Channel: String, Sendable {
        case clientBot = "client_bot"
        case api
    }

    public enum ReviewOutcome: Sendable, Equatable {
        case recorded(feedbackID: Int64)
        case alreadyReviewed
        case orderNotFound
    }

    public struct ReviewableOrder: Sendable, Equatable {
        public var orderID: Int64
        public var amount: Money
        public var createdAt: Date
    }

    let session: SQLSession

    /// The guest's recent sales that can still be reviewed: not cancelled, not reviewed, newest first.
    public func reviewableOrders(customerID: Int64, since: Date, limit: Int = 5) async throws -> [ReviewableOrder] {
        try await session.withConnection { connection in
            let rows = try await connection.run(
                """
                SELECT o.id, o.amount_kopecks, o.created_at
                FROM orders o
                WHERE o.customer_id = \(customerID) AND o.created_at >= \(since)
                  AND NOT EXISTS (SELECT 1 FROM order_cancellations c WHERE c.order_id = o.id)
                  AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.order_id = o.id AND f.kind = 'review')
                ORDER BY o.created_at DESC, o.id DESC
                LIMIT \(limit)
                """,
                logger: logger
            )
            var orders: [ReviewableOrder] = []
            for try await (id, amount, createdAt) in rows.decode((Int64, Int64, Date).self) {
                orders.append(ReviewableOrder(orderID: id, amount: Money(kopecks: amount), createdAt: createdAt))
            }
            return orders
        }
    }

    /// Records a 1–10 rating for one of the guest's orders; one review per order. A rating at or
    /// below `alertThreshold` alerts the managers.
    public func submitReview(
        customerID: Int64, orderID: Int64, rating: Int, alertThreshold: Int, channel: Channel = .clientBot, at now: Date
    ) async throws -> ReviewOutcome {
        try await session.withTransaction { connection in
            guard (1...10).contains(rating) else { return .orderNotFound }
            let inserted = try await connection.run(
                """
                INSERT INTO feedback (customer_id, kind, order_id, rating, channel, created_at, updated_at)
                SELECT o.customer_id, 'review', o.id, \(rating), \(channel.rawValue), \(now), \(now)
                FROM orders o
                WHERE o.id = \(orderID) AND o.customer_id = \(customerID)
                ON CONFLICT DO NOTHING
                RETURNING id
                """,
                logger: logger
            ).collect().first?.decode(Int64.self)
            guard let feedbackID = inserted else {
                let exists =
                    try await connection.run(
                        "SELECT EXISTS (SELECT 1 FROM orders WHERE id = \(orderID) AND customer_id = \(customerID))", logger: logger
                    ).collect().first?.decode(Bool.self) ?? false
                return exists ? .alreadyReviewed : .orderNotFound
            }
            if rating <= alertThreshold {
                let guest = try await guestName(customerID, on: connection)
                try await managers(on: connection).enqueueForManagers(
                    .reviewAlert(.init(feedbackID: feedbackID, guest: guest, rating: rating, orderID: orderID)), aboutOrder: orderID,
                    at: now
                )
            }
            return .recorded(feedbackID: feedbackID)
        }
    }

    /// Adds the optional comment to a review the guest just rated. Returns false when there is no
    /// such review or it already has a comment.
    public func addReviewComment(
        feedbackID: Int64, customerID: Int64, text: String, alertThreshold: Int, at now: Date
    ) async throws -> Bool {
        try await session.withTransaction { connection in
            let reviewed = try await connection.run(
                """
                UPDATE feedback SET body = \(Self.clip(text)), updated_at = \(now)
                WHERE id = \(feedbackID) AND customer_id = \(customerID) AND kind = 'review' AND body IS NULL
                RETURNING rating::int, order_id
                """,
                logger: logger
            ).collect().first?.decode((Int, Int64?).self)
            guard let (rating, orderID) = reviewed else { return false }
            if rating <= alertThreshold {
                let guest = try await guestName(customerID, on: connection)
                try await managers(on: connection).enqueueForManagers(
                    .reviewComment(.init(feedbackID: feedbackID, guest: guest, rating: rating, text: Self.clip(text))), aboutOrder: orderID,
                    at: now
                )
            }
            return true
        }
    }

    /// Records an idea or a message to management. Messages alert the managers.
    @discardableResult
    public func submitNote(
        _ kind: NoteKind, customerID: Int64, text: String, channel: Channel = .clientBot, at now: Date
    ) async throws -> Int64 {
        try await session.withTransaction { connection in
            let id =
                try await connection.run(
                    """
                    INSERT INTO feedback (customer_id, kind, body, channel, created_at, updated_at)
                    VALUES (\(customerID), \(kind.rawValue), \(Self.clip(text)), \(channel.rawValue), \(now), \(now))
                    RETURNING id
                    """,
                    logger: logger
                ).collect().first?.decode(Int64.self) ?? 0
            if kind == .message {
                let guest = try await guestName(customerID, on: connection)
                try await managers(on: connection).enqueueForManagers(
                    .guestMessage(.init(feedbackID: id, guest: guest, text: Self.clip(text))), at: now
                )
            }
            return id
        }
    }

    private func guestName(_ customerID: Int64, on connection: PostgresConnection) async throws -> String {
        try await connection.run(
            "SELECT first_name FROM customers WHERE id = \(customerID)", logger: logger
        ).collect().first?.decode(String.self) ?? ""
    }

    /// The alerts go out in the same transaction as the feedback that caused them.
    private func managers(on connection: PostgresConnection) -> OutboxWriter {
        OutboxWriter(session: .transaction(connection, logger: logger))
    }

    /// Feedback bodies are stored up to 4000 characters; longer texts are cut, not refused.
    static func clip(_ text: String) -> String {
        String(text.prefix(4000))
    }
}
