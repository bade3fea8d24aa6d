import Foundation
import Logging
import PostgresNIO

/// Demo data for a local run: a few guests and staff at the default café.
///
/// Safe to run again: rows are keyed by their Telegram ids and phones, so a second run adds nothing.
public struct DemoSeed: Sendable {
    public struct Summary: Sendable, Equatable {
        public var customersAdded: Int
        public var staffAdded: Int
        public var adminAdded: Bool = false
    }

    /// The demo owner of the admin panel; `crema seed-demo` prints the password it set.
    public static let adminEmail = "owner@crema.local"

    static let guests: [(telegramID: Int64, phone: String, firstName: String, lastName: String?, language: String)] = [
        (100_000_001, "+79000000001", "Мария", "Иванова", "ru"),
        (100_000_002, "+79000000002", "Алексей", "Смирнов", "ru"),
        (100_000_003, "+79000000003", "Ольга", nil, "ru"),
        (100_000_004, "+447700900004", "Emma", "Clarke", "en"),
        (100_000_005, "+79000000005", "Дмитрий", "Козлов", "ru"),
        (100_000_006, "+79000000006", "Анна", "Петрова", "ru"),
        (100_000_007, "+14155550107", "Liam", "Walker", "en"),
        (100_000_008, "+79000000008", "Сергей", nil, "ru"),
    ]

    static let staff: [(name: String, role: String)] = [
        ("Demo barista", "barista"),
        ("Demo manager", "manager"),
    ]

    /// A bcrypt hash for the demo owner's password; nil adds no admin (production).
    let adminPasswordHash: String?

    public init(adminPasswordHash: String? = nil) {
        self.adminPasswordHash = adminPasswordHash
    }

    public func run(on database: Database, logger: Logger, at now: Date = Date()) async throws -> Summary {
        try await database.withTransaction(logger: logger) { connection in
            var summary = Summary(customersAdded: 0, staffAdded: 0)
            if let adminPasswordHash {
                // Never resets an existing account's password.
                summary.adminAdded =
                    try await connection.run(
                        """
                        INSERT INTO admins (email, password_hash, role, created_at, password_changed_at)
                        VALUES (\(Self.adminEmail), \(adminPasswordHash), 'owner', \(now), \(now))
                        ON CONFLICT (email) DO NOTHING RETURNING id
                        """,
                        logger: logger
                    ).collect().count == 1
            }
            for guest in Self.guests {
                let rows = try await connection.run(
                    """
                    INSERT INTO customers (telegram_id, phone, first_name, last_name, language)
                    VALUES (\(guest.telegramID), \(guest.phone), \(guest.firstName), \(guest.lastName), \(guest.language))
                    ON CONFLICT DO NOTHING
                    RETURNING id
                    """,
                    logger: logger
                ).collect()
                summary.customersAdded += rows.count
            }
            for member in Self.staff {
                let rows = try await connection.run(
                    """
                    INSERT INTO staff (display_name, role, location_id)
                    SELECT \(member.name), \(member.role), id FROM locations
                    WHERE slug = 'main'
                      AND NOT EXISTS (SELECT 1 FROM staff WHERE display_name = \(member.name))
                    RETURNING id
                    """,
                    logger: logger
                ).collect()
                summary.staffAdded += rows.count
            }
            // Something for the feedback inbox: a low review and an idea, added once.
            try await connection.run(
                """
                INSERT INTO feedback (customer_id, kind, rating, body, channel, created_at, updated_at)
                SELECT c.id, f.kind, f.rating, f.body, 'client_bot', \(now), \(now)
                FROM customers c,
                     (VALUES ('review', 4::smallint, 'Кофе остыл, пока я ждал заказ.'), ('idea', NULL, 'Добавьте овсяное молоко!')) AS f (kind, rating, body)
                WHERE c.telegram_id = 100000001 AND NOT EXISTS (SELECT 1 FROM feedback WHERE customer_id = c.id)
                """,
                logger: logger
            )
            return summary
        }
    }
}
