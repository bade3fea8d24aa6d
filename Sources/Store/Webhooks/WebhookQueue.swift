import Foundation
import Logging
import PostgresNIO

/// The sender's side of the webhook deliveries. Any number of instances may send: a delivery is
/// claimed under a row lock with a lease, and one guest's deliveries to one endpoint are taken
/// only oldest first, so they arrive in order.
public struct WebhookQueue: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Up to `limit` due deliveries of active endpoints, each the oldest one waiting for its guest
    /// and endpoint; their next attempt moves `lease` seconds on in case this instance dies.
    public func claimDue(limit: Int, now: Date, lease: TimeInterval) async throws -> [DueWebhookDelivery] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH due AS (
                    SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                    WHERE d.status = 'pending' AND d.next_attempt_at <= \(now) AND e.active
                      AND NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries earlier
                          WHERE earlier.endpoint_id = d.endpoint_id AND earlier.customer_id = d.customer_id
                            AND earlier.status = 'pending' AND earlier.id < d.id)
                    ORDER BY d.next_attempt_at, d.id
                    LIMIT \(limit)
                    FOR UPDATE OF d SKIP LOCKED
                )
                UPDATE webhook_deliveries d
                SET attempts = d.attempts + 1, next_attempt_at = \(now.addingTimeInterval(lease)), last_attempt_at = \(now)
                FROM due, webhook_endpoints e, webhook_events v
                WHERE d.id = due.id AND e.id = d.endpoint_id AND v.id = d.event_id
                RETURNING d.id, d.attempts, e.id, e.url, e.secret, v.event_id::text, v.type, v.data::text, v.created_at, d.created_at
                """, logger: logger)
            var due: [DueWebhookDelivery] = []
            for try await (id, attempts, endpointID, url, secret, eventID, type, data, occurred, queued) in rows.decode(
                (Int64, Int, Int64, String, String, String, String, String, Date, Date).self)
            {
                due.append(
                    DueWebhookDelivery(
                        id: id, attempts: attempts, endpointID: endpointID, url: url, secret: secret, eventID: eventID, type: type,
                        data: data, occurredAt: occurred, queuedAt: queued))
            }
            return due.sorted { $0.id < $1.id }
        }
    }

    public func delivered(_ id: Int64, statusCode: Int, duration: Int, at now: Date) async throws {
        try await update(
            """
            UPDATE webhook_deliveries
            SET status = 'delivered', delivered_at = \(now), last_status_code = \(statusCode), last_duration_ms = \(duration),
                last_error = NULL
            WHERE id = \(id)
            """)
    }

    public func retry(_ id: Int64, at next: Date, statusCode: Int?, error: String, duration: Int) async throws {
        try await update(
            """
            UPDATE webhook_deliveries
            SET next_attempt_at = \(next), last_status_code = \(statusCode), last_error = \(String(error.prefix(500))),
                last_duration_ms = \(duration)
            WHERE id = \(id)
            """)
    }

    /// Gives a delivery up after its day of retries: it is marked failed, its endpoint switched
    /// off (its later deliveries wait until the owner switches it on again), and the managers told.
    public func giveUp(
        _ delivery: DueWebhookDelivery, statusCode: Int?, error: String, duration: Int, alert: String, at now: Date
    ) async throws {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.run(
                """
                UPDATE webhook_deliveries
                SET status = 'failed', last_status_code = \(statusCode), last_error = \(String(error.prefix(500))),
                    last_duration_ms = \(duration)
                WHERE id = \(delivery.id)
                """, logger: logger)
            let switchedOff = try await connection.run(
                """
                WITH off AS (
                    UPDATE webhook_endpoints SET active = false, updated_at = \(now),
                           disabled_reason = \("a delivery failed for 24 hours: " + String(error.prefix(200)))
                    WHERE id = \(delivery.endpointID) AND active
                    RETURNING id, url
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                SELECT \(now), 'system', 'webhooks', 'webhook.disabled', 'webhook_endpoint', id::text,
                       jsonb_build_object('url', url, 'delivery_id', \(delivery.id), 'error', \(String(error.prefix(200))))
                FROM off
                RETURNING 1
                """, logger: logger
            ).collect().count
            guard switchedOff == 1 else { return }
            try await connection.run(
                """
                INSERT INTO outbox (bot, chat_id, customer_id, kind, method, payload, language, next_attempt_at, created_at)
                SELECT 'staff', telegram_id, NULL, 'transactional', 'sendMessage', \(alert)::jsonb, language, \(now), \(now)
                FROM staff WHERE role = 'manager' AND active AND telegram_id IS NOT NULL
                """, logger: logger)
        }
    }

    private func update(_ query: PostgresQuery) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(query, logger: logger)
        }
    }
}
