import Domain
import Foundation
import Logging
import PostgresNIO

/// The admin's changes that the loyalty engine does not already own: feedback handling, the gift
/// catalogue, staff roles and the settings. Each writes its audit row (actor, before, after) in
/// the same statement or transaction as the change.
public struct AdminOperations: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public static let feedbackStatuses = ["new", "in_progress", "done"]

    @discardableResult
    public func setFeedbackStatus(_ status: String, feedbackID: Int64, by actor: Actor, at now: Date) async throws -> Bool {
        guard Self.feedbackStatuses.contains(status) else { return false }
        return try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH old AS (SELECT id, status FROM feedback WHERE id = \(feedbackID) FOR UPDATE),
                changed AS (
                    UPDATE feedback f SET status = \(status), updated_at = \(now) FROM old WHERE f.id = old.id AND old.status <> \(status)
                    RETURNING f.id, old.status AS before
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'feedback.status', 'feedback', id::text,
                       jsonb_build_object('status', before), jsonb_build_object('status', \(status)::text)
                FROM changed
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }

    public enum ReplyOutcome: Sendable, Equatable {
        case queued
        case feedbackNotFound
        /// Anonymised, blocked the bot or never reachable: there is nobody to write to.
        case guestUnreachable
    }

    /// Queues the reply to the guest through the client bot and marks the feedback done.
    /// `compose` words the message in the guest's language.
    public func reply(
        to feedbackID: Int64, text: String, by actor: Actor, at now: Date, compose: @Sendable (Language, String) -> String
    ) async throws -> ReplyOutcome {
        try await database.withTransaction(logger: logger) { connection in
            let row = try await connection.run(
                """
                SELECT c.id, c.telegram_id, c.language, c.unreachable_at IS NOT NULL, f.status
                FROM feedback f JOIN customers c ON c.id = f.customer_id WHERE f.id = \(feedbackID) FOR UPDATE OF f
                """,
                logger: logger
            ).collect().first
            guard let (customerID, telegramID, language, unreachable, status) = try row?.decode((Int64, Int64?, String, Bool, String).self)
            else {
                return .feedbackNotFound
            }
            guard let telegramID, !unreachable else { return .guestUnreachable }
            let message = compose(Language(rawValue: language) ?? .ru, text)
            let payload = try JSONSerialization.data(withJSONObject: ["text": message])
            try await OutboxWriter(session: .transaction(connection, logger: logger)).enqueue(
                bot: .client, chatID: telegramID, customerID: customerID, payload: payload, at: now
            )
            try await connection.run(
                """
                WITH done AS (UPDATE feedback SET status = 'done', updated_at = \(now) WHERE id = \(feedbackID))
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                VALUES (\(now), \(actor.kind.rawValue), \(actor.id), 'feedback.replied', 'feedback', \(String(feedbackID)),
                        jsonb_build_object('status', \(status)::text), jsonb_build_object('status', 'done', 'reply', \(text)::text))
                """,
                logger: logger
            )
            return .queued
        }
    }

    /// Adds a gift to the catalogue; nil when the slug is taken.
    public func addCatalogGift(slug: String, name: LocalizedName, validDays: Int, by actor: Actor, at now: Date) async throws -> Int64? {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH added AS (
                    INSERT INTO gift_catalog (slug, name, name_en, valid_days, created_at)
                    VALUES (\(slug), \(name.russian), \(name.english), \(validDays), \(now))
                    ON CONFLICT (slug) DO NOTHING RETURNING id
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'gift_catalog.added', 'gift_catalog', id::text,
                           jsonb_build_object('slug', \(slug)::text, 'name', \(name.russian)::text, 'name_en', \(name.english)::text,
                                              'valid_days', \(validDays)::int)
                    FROM added
                )
                SELECT id FROM added
                """,
                logger: logger
            ).collect().first?.decode(Int64.self)
        }
    }

    /// Records that an admin downloaded guests' personal data (the customers CSV), with the
    /// filter used and the request that did it.
    public func recordExport(search: String, tier: String?, by actor: Actor, requestID: String, at now: Date) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, request_id, after)
                VALUES (\(now), \(actor.kind.rawValue), \(actor.id), 'customers.exported', 'customers', 'csv', \(requestID),
                        jsonb_build_object('q', \(search)::text, 'tier', \(tier)::text))
                """,
                logger: logger
            )
        }
    }

    /// Renames a catalogue item or changes how long its gifts stay valid. Gifts already given
    /// keep their names and dates. Returns false when nothing changed.
    @discardableResult
    public func editCatalogGift(id: Int64, name: LocalizedName, validDays: Int, by actor: Actor, at now: Date) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH old AS (SELECT id, name, name_en, valid_days FROM gift_catalog WHERE id = \(id)),
                changed AS (
                    UPDATE gift_catalog SET name = \(name.russian), name_en = \(name.english), valid_days = \(validDays)
                    WHERE id = \(id) AND (name, name_en, valid_days) IS DISTINCT FROM (\(name.russian), \(name.english), \(validDays)::int)
                    RETURNING id
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'gift_catalog.edited', 'gift_catalog', changed.id::text,
                       jsonb_build_object('name', old.name, 'name_en', old.name_en, 'valid_days', old.valid_days),
                       jsonb_build_object('name', \(name.russian)::text, 'name_en', \(name.english)::text, 'valid_days', \(validDays)::int)
                FROM changed JOIN old ON old.id = changed.id
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }

    @discardableResult
    public func setCatalogGiftActive(_ active: Bool, id: Int64, by actor: Actor, at now: Date) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH changed AS (UPDATE gift_catalog SET active = \(active) WHERE id = \(id) AND active <> \(active) RETURNING id)
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'gift_catalog.active', 'gift_catalog', id::text,
                       jsonb_build_object('active', NOT \(active)), jsonb_build_object('active', \(active))
                FROM changed RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }

    /// Changes a staff member's role, or deactivates / reactivates them. A deactivated member's
    /// next update to the staff bot is refused.
    @discardableResult
    /// An admin of one location (`actor.locationID`) changes only that location's staff.
    public func updateStaff(id: Int64, role: Actor.StaffRole?, active: Bool?, by actor: Actor, at now: Date) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH old AS (
                    SELECT id, role, active FROM staff
                    WHERE id = \(id) AND (\(actor.locationID)::bigint IS NULL OR location_id = \(actor.locationID))
                    FOR UPDATE
                ),
                changed AS (
                    UPDATE staff s SET role = coalesce(\(role?.rawValue), s.role), active = coalesce(\(active), s.active),
                        deactivated_at = CASE WHEN coalesce(\(active), s.active) THEN NULL ELSE coalesce(s.deactivated_at, \(now)) END
                    FROM old WHERE s.id = old.id
                      AND (old.role <> coalesce(\(role?.rawValue), old.role) OR old.active <> coalesce(\(active), old.active))
                    RETURNING s.id, s.role, s.active, old.role AS old_role, old.active AS old_active
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'staff.updated', 'staff', id::text,
                       jsonb_build_object('role', old_role, 'active', old_active), jsonb_build_object('role', role, 'active', active)
                FROM changed RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }
}
