import Domain
import Foundation
import Logging
import PostgresNIO

/// A staff member as the staff bot sees them.
public struct StaffMember: Sendable, Equatable {
    public var id: Int64
    public var displayName: String
    public var role: Actor.StaffRole
    public var locationID: Int64
    public var language: Language
    public var active: Bool

    public var actor: Actor { .staff(id: id, role: role, locationID: locationID) }
}

/// Staff lookups for the staff bot, inside the update's transaction.
public struct StaffStore: SessionStore {
    let session: SQLSession

    /// The staff member bound to this Telegram account, active or not; nil for strangers. The
    /// update's first statement may have fetched it already (`UpdateLog.Prefetch`).
    public func member(telegramID: Int64) async throws -> StaffMember? {
        if let fetched = session.memo?.takeStaffMember(telegramID: telegramID) { return fetched }
        return try await session.withConnection { connection in
            let rows = try await connection.run(
                "SELECT id, display_name, role, location_id, language, active FROM staff WHERE telegram_id = \(telegramID)",
                logger: logger
            )
            for try await row in rows.decode(StaffMember.Row.self) {
                return StaffMember(row)
            }
            return nil
        }
    }
}

extension StaffMember {
    /// A staff row's id, display_name, role, location_id, language and active.
    typealias Row = (Int64, String, String, Int64, String, Bool)

    init(_ row: Row) {
        let (id, name, role, location, language, active) = row
        self.init(
            id: id, displayName: name, role: Actor.StaffRole(rawValue: role) ?? .barista, locationID: location,
            language: Language(rawValue: language) ?? .ru, active: active
        )
    }
}

extension StaffStore {
    public struct DemoGuest: Sendable {
        public var telegramID: Int64
        public var firstName: String
    }

    /// Registered guests for the playground's picker, newest first.
    public func demoGuests(limit: Int = 20) async throws -> [DemoGuest] {
        try await session.withConnection { connection in
            var guests: [DemoGuest] = []
            let rows = try await connection.run(
                "SELECT telegram_id, first_name FROM customers WHERE telegram_id IS NOT NULL AND anonymised_at IS NULL ORDER BY created_at DESC, id DESC LIMIT \(limit)",
                logger: logger
            )
            for try await (id, name) in rows.decode((Int64, String).self) {
                guests.append(DemoGuest(telegramID: id, firstName: name))
            }
            return guests
        }
    }
}
