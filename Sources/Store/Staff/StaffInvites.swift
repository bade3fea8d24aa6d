import Crypto
import Domain
import Foundation
import Logging
import PostgresNIO

/// One-time links that bind a Telegram account to a new staff member.
public struct StaffInvites: SessionStore {
    public enum Outcome: Sendable, Equatable {
        case bound(StaffMember)
        case alreadyBound(StaffMember)
        case unknown
        case used
        case expired
    }

    public struct Created: Sendable {
        public var token: String
        public var expiresAt: Date
    }

    let session: SQLSession

    /// Invite payloads start with this, so the bot tells them from other deep links.
    public static let prefix = "inv_"

    /// Creates an invite valid for `lifetime`; the token is returned once and stored hashed.
    public func create(
        role: Actor.StaffRole, locationSlug: String, createdBy: String, token: String, at now: Date,
        lifetime: TimeInterval = 24 * 3600
    ) async throws -> Created? {
        try await session.withConnection { connection in
            let expiresAt = now.addingTimeInterval(lifetime)
            let actor = Actor(createdBy: createdBy)
            let created =
                try await connection.run(
                    """
                    WITH invite AS (
                        INSERT INTO staff_invites (token_hash, role, location_id, created_by, created_at, expires_at)
                        SELECT \(Self.hash(token)), \(role.rawValue), id, \(createdBy), \(now), \(expiresAt)
                        FROM locations WHERE slug = \(locationSlug) AND archived_at IS NULL
                        RETURNING id, role, location_id, expires_at
                    )
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'staff.invited', 'staff_invite', id::text,
                           jsonb_build_object('role', role, 'location_id', location_id, 'expires_at', expires_at)
                    FROM invite
                    RETURNING 1
                    """,
                    logger: logger
                ).collect().count == 1
            return created ? Created(token: token, expiresAt: expiresAt) : nil
        }
    }

    /// Opens an invite for the Telegram user: creates the staff member (or brings back a
    /// deactivated one) and marks the invite used, in the caller's transaction.
    public func redeem(
        token: String, telegramID: Int64, displayName: String, language: Language, at now: Date
    ) async throws -> Outcome {
        try await session.withTransaction { connection in
            let staff = StaffStore(session: .transaction(connection, logger: logger))
            if let member = try await staff.member(telegramID: telegramID), member.active {
                return .alreadyBound(member)
            }
            let invite = try await connection.run(
                "SELECT id, role, location_id, used_at IS NOT NULL, expires_at <= \(now) FROM staff_invites WHERE token_hash = \(Self.hash(token)) FOR UPDATE",
                logger: logger
            ).collect().first?.decode((Int64, String, Int64, Bool, Bool).self)
            guard let (inviteID, role, locationID, used, expired) = invite else { return .unknown }
            guard !used else { return .used }
            guard !expired else { return .expired }
            let name = String(displayName.prefix(200)).isEmpty ? "Staff" : String(displayName.prefix(200))
            let staffID = try await connection.run(
                """
                INSERT INTO staff (telegram_id, display_name, role, location_id, language, active)
                VALUES (\(telegramID), \(name), \(role), \(locationID), \(language.rawValue), true)
                ON CONFLICT (telegram_id) DO UPDATE
                    SET display_name = EXCLUDED.display_name, role = EXCLUDED.role, location_id = EXCLUDED.location_id,
                        active = true, deactivated_at = NULL
                RETURNING id
                """,
                logger: logger
            ).collect().first?.decode(Int64.self)
            guard let staffID else { return .unknown }
            try await connection.run(
                """
                WITH used AS (
                    UPDATE staff_invites SET used_at = \(now), staff_id = \(staffID) WHERE id = \(inviteID)
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                VALUES (\(now), 'staff', \(String(staffID)), 'staff.bound', 'staff', \(String(staffID)),
                        jsonb_build_object('invite_id', \(inviteID), 'role', \(role), 'location_id', \(locationID)))
                """,
                logger: logger
            )
            guard let member = try await staff.member(telegramID: telegramID) else { return .unknown }
            return .bound(member)
        }
    }

    static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}
