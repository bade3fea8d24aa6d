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

        public init(telegramID: Int64, phone: PhoneNumber, firstName: String, lastName: String? = nil, birthDate: CalendarDate? = nil, language: Language) {
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
    public func registerCustomer(_ registration: Registration, at now: Date) async throws -> Customer {
        let firstName = String(registration.firstName.prefix(200))
        let lastName = registration.lastName.map { String($0.prefix(200)) }
        let birthDate = registration.birthDate?.description
        do {
            let id = try await database.withConnection(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO customers (telegram_id, phone, first_name, last_name, birth_date, language, created_at, updated_at)
                    VALUES (\(registration.telegramID), \(registration.phone.e164), \(firstName), \(lastName),
                            \(birthDate)::date, \(registration.language.rawValue), \(now), \(now))
                    RETURNING id
                    """,
                    logger: logger
                ).collect().first?.decode(Int64.self)
            }
            guard let id else { throw LoyaltyError.customerNotFound }
            return Customer(
                id: id, telegramID: registration.telegramID, phone: registration.phone, firstName: firstName,
                lastName: lastName, birthDate: registration.birthDate, language: registration.language,
                account: LoyaltyAccount(balance: 0, debt: 0, tier: .standard, qualificationSpend: .zero)
            )
        } catch let error as PSQLError where error.violates("customers_telegram_id_key") {
            throw LoyaltyError.alreadyRegistered
        } catch let error as PSQLError where error.violates("customers_phone_key") {
            throw LoyaltyError.phoneTaken
        }
    }

    public func customer(telegramID: Int64) async throws -> Customer? {
        try await firstCustomer(
            "SELECT \(unescaped: Self.customerColumns) FROM customers WHERE telegram_id = \(telegramID) AND anonymised_at IS NULL"
        )
    }

    public func customer(id: Int64) async throws -> Customer? {
        try await firstCustomer(
            "SELECT \(unescaped: Self.customerColumns) FROM customers WHERE id = \(id) AND anonymised_at IS NULL"
        )
    }

    /// What `firstCustomer` decodes, in this order.
    private static let customerColumns = """
        id, telegram_id, phone, first_name, last_name, to_char(birth_date, 'YYYY-MM-DD'), language,
        tier, points_balance, points_debt, qualification_spend_kopecks
        """

    private func firstCustomer(_ query: PostgresQuery) async throws -> Customer? {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.query(query, logger: logger)
            for try await row in rows.decode((Int64, Int64, String, String, String?, String?, String, String, Int, Int, Int64).self) {
                // The column's CHECK admits only E.164, so this always reads back.
                guard let phone = PhoneNumber(normalizing: row.2) else { continue }
                return Customer(
                    id: row.0, telegramID: row.1, phone: phone, firstName: row.3, lastName: row.4,
                    birthDate: row.5.flatMap(CalendarDate.init(iso:)), language: Language(rawValue: row.6) ?? .ru,
                    account: LoyaltyAccount(balance: row.8, debt: row.9, tier: Tier(stored: row.7), qualificationSpend: Money(kopecks: row.10))
                )
            }
            return nil
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
