import Foundation
import Logging
import PostgresNIO

/// Partner webhook endpoints: registered by the owner with a secret shown once, listed with
/// their deliveries, switched off and on; a delivery can be sent again, and a test event sent.
public struct WebhookStore: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func create(
        url: String, events: [String], secret: String, description: String?, createdBy: String, requestID: String? = nil, at now: Date
    ) async throws -> Int64 {
        let actor = Actor(createdBy: createdBy)
        return try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH created AS (
                    INSERT INTO webhook_endpoints (url, events, secret, description, created_by, created_at, updated_at)
                    VALUES (\(url), \(events), \(secret), \(description), \(createdBy), \(now), \(now))
                    RETURNING id, url, events
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, request_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'webhook.created', 'webhook_endpoint', id::text, \(requestID),
                           jsonb_build_object('url', url, 'events', events)
                    FROM created
                )
                SELECT id FROM created
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            throw WebhookStoreError.notCreated
        }
    }

    public func list() async throws -> [WebhookEndpoint] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT e.id, e.url, e.events, e.description, e.active, e.disabled_reason, e.created_at,
                       (SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending'),
                       (SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed')
                FROM webhook_endpoints e ORDER BY e.id
                """, logger: logger)
            var endpoints: [WebhookEndpoint] = []
            for try await (id, url, events, description, active, reason, created, pending, failed) in rows.decode(
                (Int64, String, [String], String?, Bool, String?, Date, Int, Int).self)
            {
                endpoints.append(
                    WebhookEndpoint(
                        id: id, url: url, events: events, description: description, active: active, disabledReason: reason,
                        createdAt: created, pending: pending, failed: failed))
            }
            return endpoints
        }
    }

    /// Switches an endpoint on or off; switched on, its waiting deliveries go out again.
    @discardableResult
    public func setActive(_ id: Int64, _ active: Bool, by actorID: String, at now: Date) async throws -> Bool {
        let actor = Actor(createdBy: actorID)
        return try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH changed AS (
                    UPDATE webhook_endpoints SET active = \(active), updated_at = \(now),
                           disabled_reason = CASE WHEN \(active) THEN NULL ELSE \(WebhookEndpoint.switchedOffByOwner) END
                    WHERE id = \(id) AND active <> \(active)
                    RETURNING id
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), CASE WHEN \(active) THEN 'webhook.enabled' ELSE 'webhook.disabled' END,
                           'webhook_endpoint', id::text
                    FROM changed
                )
                SELECT id FROM changed
                """, logger: logger
            ).collect().count == 1
        }
    }

    /// The endpoint's deliveries, newest first.
    public func deliveries(endpointID: Int64, limit: Int = 50) async throws -> [WebhookDeliveryRecord] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT d.id, v.event_id::text, v.type, d.status, d.attempts, d.last_status_code, d.last_error, d.last_duration_ms,
                       d.last_attempt_at, d.next_attempt_at, d.created_at
                FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id
                WHERE d.endpoint_id = \(endpointID)
                ORDER BY d.id DESC LIMIT \(limit)
                """, logger: logger)
            var records: [WebhookDeliveryRecord] = []
            for try await (id, eventID, type, status, attempts, code, error, duration, attempted, next, created) in rows.decode(
                (Int64, String, String, String, Int, Int?, String?, Int?, Date?, Date, Date).self)
            {
                records.append(
                    WebhookDeliveryRecord(
                        id: id, eventID: eventID, type: type, status: .init(rawValue: status) ?? .pending, attempts: attempts,
                        lastStatusCode: code, lastError: error, lastDurationMilliseconds: duration, lastAttemptAt: attempted,
                        nextAttemptAt: next, createdAt: created))
            }
            return records
        }
    }

    /// Sends a delivery again (the same event id, so the receiver can tell): it is due now.
    @discardableResult
    public func resend(deliveryID: Int64, of endpointID: Int64, at now: Date) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = \(now), attempts = 0, created_at = \(now)
                WHERE id = \(deliveryID) AND endpoint_id = \(endpointID) AND status <> 'pending'
                RETURNING id
                """, logger: logger
            ).collect().count == 1
        }
    }

    /// Queues a `webhook.test` event for this endpoint alone.
    public func sendTest(endpointID: Int64, at now: Date) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH event AS (
                    INSERT INTO webhook_events (type, customer_id, data, created_at)
                    SELECT \(WebhookEndpoint.testEventType), NULL, jsonb_build_object('endpoint_id', id, 'message', 'Test event from Crema'), \(now)
                    FROM webhook_endpoints WHERE id = \(endpointID)
                    RETURNING id
                )
                INSERT INTO webhook_deliveries (endpoint_id, event_id, customer_id, next_attempt_at, created_at)
                SELECT \(endpointID), id, NULL, \(now), \(now) FROM event
                RETURNING id
                """, logger: logger
            ).collect().count == 1
        }
    }
}

public enum WebhookStoreError: Error {
    case notCreated
}
