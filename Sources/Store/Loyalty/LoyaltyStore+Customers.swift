import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    public struct Registration: Sendable {
        public var telegramID: Int64
        public var phone: PhoneNumber
        public var firstName: String
        public var lastName: String?
        public var birthDate: CalendarDate?
        public var language: Language
        /// The code of the invite link the guest came through, if any.
        public var inviteCode: String?

        public init(
            telegramID: Int64, phone: PhoneNumber, firstName: String, lastName: String? = nil, birthDate: CalendarDate? = nil,
            language: Language, inviteCode: String? = nil
        ) {
            self.inviteCode = inviteCode
            self.telegramID = telegramID
            self.phone = phone
            self.firstName = firstName
            self.lastName = lastName
            self.birthDate = birthDate
            self.language = language
        }
    }

    /// Registers a guest. A second registration of the same Telegram id or phone is a domain
    /// error, decided by the unique constraints rather than a check that could race.
    /// A conflict does not abort a caller's transaction: the insert skips it and the error names
    /// which key was taken.
    /// Registers a guest and gives them the running welcome bonus, if any, and records who invited
    /// them, in one transaction.
    public func registerCustomer(_ registration: Registration, at now: Date) async throws -> Customer {
        try await session.withTransaction { connection in
            var customer = try await registerCustomer(registration, at: now, on: connection)
            customer.account.balance += try await grantWelcomeBonus(to: customer, at: now, on: connection)
            if let inviteCode = registration.inviteCode {
                try await recordReferral(of: customer, inviteCode: inviteCode, at: now, on: connection)
            }
            return customer
        }
    }

    private func registerCustomer(_ registration: Registration, at now: Date, on connection: PostgresConnection) async throws -> Customer {
        let firstName = String(registration.firstName.prefix(200))
        let lastName = registration.lastName.map { String($0.prefix(200)) }
        let birthDate = registration.birthDate?.description
        let id = try await connection.run(
            """
            INSERT INTO customers (telegram_id, phone, first_name, last_name, birth_date, language, created_at, updated_at)
            VALUES (\(registration.telegramID), \(registration.phone.e164), \(firstName), \(lastName),
                    \(birthDate)::date, \(registration.language.rawValue), \(now), \(now))
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            logger: logger
        ).collect().first?.decode(Int64.self)
        guard let id else {
            let telegramTaken =
                try await connection.run(
                    "SELECT EXISTS (SELECT 1 FROM customers WHERE telegram_id = \(registration.telegramID))", logger: logger
                ).collect().first?.decode(Bool.self) ?? false
            throw telegramTaken ? LoyaltyError.alreadyRegistered : LoyaltyError.phoneTaken
        }
        return Customer(
            id: id, telegramID: registration.telegramID, phone: registration.phone, firstName: firstName,
            lastName: lastName, birthDate: registration.birthDate, language: registration.language,
            account: LoyaltyAccount(balance: 0, debt: 0, tier: .standard, qualificationSpend: .zero)
        )
    }

    public func customer(telegramID: Int64) async throws -> Customer? {
        if let fetched = session.memo?.takeGuest(telegramID: telegramID) { return fetched }
        return try await session.withConnection { connection in
            for try await row in try await connection.run(CustomerByTelegramID(telegramID: telegramID), logger: logger) {
                return try Customer(row: row)
            }
            return nil
        }
    }

    public func customer(phone: PhoneNumber) async throws -> Customer? {
        try await firstCustomer(
            "SELECT \(unescaped: Self.customerColumns) FROM customers WHERE phone = \(phone.e164) AND anonymised_at IS NULL"
        )
    }

    public func customer(id: Int64) async throws -> Customer? {
        try await firstCustomer(
            "SELECT \(unescaped: Self.customerColumns) FROM customers WHERE id = \(id) AND anonymised_at IS NULL"
        )
    }

    /// What `Customer.init(_ row:)` reads.
    static let customerColumns = """
        id, telegram_id, phone, first_name, last_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, language,
        tier, points_balance, points_debt, qualification_spend_kopecks, promo_opt_in,
        birth_date IS NULL OR birth_date_changes = 0 AS may_change_birth_date,
        blocked_at IS NOT NULL AS blocked, unreachable_at IS NOT NULL AS unreachable,
        (SELECT ARRAY[sum(l.remaining)::text, l.expires_on::text] FROM point_lots l
         WHERE l.customer_id = customers.id AND l.remaining > 0 AND l.expires_on IS NOT NULL
         GROUP BY l.expires_on ORDER BY l.expires_on LIMIT 1) AS next_expiry
        """

    private func firstCustomer(_ query: PostgresQuery) async throws -> Customer? {
        let rows = try await session.withConnection { connection in try await connection.run(query, logger: logger).collect() }
        return try rows.first.flatMap(Customer.init(row:))
    }
}

extension Customer {
    init?(row: PostgresRow) throws {
        let column = Columns(row)
        // The column's CHECK admits only E.164, so this always reads back.
        guard let phone = PhoneNumber(normalizing: try column("phone")) else { return nil }
        self.init(
            id: try column("id"), telegramID: try column("telegram_id"), phone: phone,
            firstName: try column("first_name"), lastName: try column("last_name"),
            birthDate: try column("birth_date", as: String?.self).flatMap(CalendarDate.init(iso:)),
            language: Language(rawValue: try column("language")) ?? .ru,
            account: LoyaltyAccount(
                balance: try column("points_balance"), debt: try column("points_debt"), tier: Tier(stored: try column("tier")),
                qualificationSpend: Money(kopecks: try column("qualification_spend_kopecks"))
            ),
            promoOptIn: try column("promo_opt_in"), mayChangeBirthDate: try column("may_change_birth_date"),
            isBlocked: try column("blocked"), isUnreachable: try column("unreachable")
        )
        let nextExpiry: [String]? = try column("next_expiry")
        if let nextExpiry, nextExpiry.count == 2, let points = Int(nextExpiry[0]), let day = CalendarDate(isoDate: nextExpiry[1]) {
            upcomingExpiry = UpcomingExpiry(points: points, day: day)
        }
    }
}

extension CalendarDate {
    init?(iso text: String) {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        self.init(year: parts[0], month: parts[1], day: parts[2])
    }
}

/// The guest behind a Telegram account: every update of the client bot asks.
struct CustomerByTelegramID: PlannedStatement {
    static let parameters = StatementParameters<CustomerByTelegramID>([.init("telegram_id", .int8) { $0.telegramID }])

    static let sql = parameters.sql(
        "SELECT \(LoyaltyStore.customerColumns) FROM customers WHERE telegram_id = :telegram_id AND anonymised_at IS NULL")

    var telegramID: Int64
}
