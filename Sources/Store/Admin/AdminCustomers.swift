import Domain
import Foundation
import Logging
import PostgresNIO

/// One line of the admin customers list.
public struct CustomerListRow: Sendable, Equatable {
    public var id: Int64
    public var telegramID: Int64?
    public var phone: String?
    public var name: String
    public var tier: Tier
    public var balance: Int
    public var createdAt: Date
    public var isBlocked: Bool
    public var isAnonymised: Bool
}

/// What the list is filtered by: free text (a name, part of a phone or a Telegram id) and a tier.
public struct CustomerSearch: Sendable, Equatable {
    public var text: String
    public var tier: Tier?

    public init(text: String = "", tier: Tier? = nil) {
        self.text = String(text.filter { $0 != "\u{0}" }).trimmingCharacters(in: .whitespacesAndNewlines)
        self.tier = tier
    }

    /// Digits only when the text looks like a phone or an id ("+7 916 123-45-67", "123456789").
    var digits: String? {
        let stripped = text.filter { !" +-()".contains($0) }
        guard !stripped.isEmpty, stripped.allSatisfy(\.isASCIIDigit) else { return nil }
        return stripped
    }

    /// A whole number is looked up exactly, by the unique index: a fragment goes through the
    /// trigram index, whose lists for the digits every number shares ("+7 9…") are long.
    var wholePhone: String? {
        guard let digits, digits.count >= 10 else { return nil }
        return PhoneNumber(normalizing: text)?.e164
    }

    var namePattern: String? {
        guard !text.isEmpty, digits == nil else { return nil }
        return "%" + Self.escapingLike(text) + "%"
    }

    static func escapingLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(
            of: "_", with: "\\_")
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// The admin's reads of customers: the list (keyset by id, newest first), the CSV export and
/// the card.
public struct AdminCustomers: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// A page of customers older than `before` (an id), newest first.
    public func list(_ search: CustomerSearch, before: Int64?, limit: Int) async throws -> [CustomerListRow] {
        try await database.withConnection(logger: logger) { connection in
            try await rows(search, before: before, limit: limit, on: connection)
        }
    }

    func rows(_ search: CustomerSearch, before: Int64?, limit: Int, on connection: PostgresConnection) async throws -> [CustomerListRow] {
        let digits = search.digits
        let wholePhone = search.wholePhone
        let phonePattern = wholePhone == nil ? digits.map { "%\($0)%" } : nil
        let telegramID = digits.flatMap { Int64($0) }
        let rows = try await connection.run(
            """
            SELECT id, telegram_id, phone, first_name || coalesce(' ' || last_name, ''), tier, points_balance, created_at,
                   blocked_at IS NOT NULL, anonymised_at IS NOT NULL
            FROM customers
            WHERE (\(search.tier?.rawValue)::text IS NULL OR tier = \(search.tier?.rawValue))
              AND (\(before)::bigint IS NULL OR id < \(before))
              AND (\(search.namePattern)::text IS NULL OR (first_name || ' ' || coalesce(last_name, '')) ILIKE \(search.namePattern))
              AND (\(digits)::text IS NULL
                   OR (\(telegramID)::bigint IS NOT NULL AND telegram_id = \(telegramID))
                   OR (\(wholePhone)::text IS NOT NULL AND phone = \(wholePhone))
                   OR (\(phonePattern)::text IS NOT NULL AND phone LIKE \(phonePattern)))
            ORDER BY id DESC
            LIMIT \(limit)
            """,
            logger: logger
        )
        var found: [CustomerListRow] = []
        for try await (id, telegramID, phone, name, tier, balance, created, blocked, anonymised) in rows.decode(
            (Int64, Int64?, String?, String, String, Int, Date, Bool, Bool).self
        ) {
            found.append(
                CustomerListRow(
                    id: id, telegramID: telegramID, phone: phone, name: name, tier: Tier(rawValue: tier) ?? .standard,
                    balance: balance, createdAt: created, isBlocked: blocked, isAnonymised: anonymised
                ))
        }
        return found
    }

    /// Every matching customer, page by page on one connection, handed to `consume` as they
    /// arrive: the export never holds the whole list in memory.
    public func export(_ search: CustomerSearch, pageSize: Int = 2_000, _ consume: ([CustomerListRow]) async throws -> Void) async throws {
        try await database.withConnection(logger: logger) { connection in
            var before: Int64?
            while true {
                let page = try await rows(search, before: before, limit: pageSize, on: connection)
                if page.isEmpty { return }
                try await consume(page)
                if page.count < pageSize { return }
                before = page.last?.id
            }
        }
    }
}
