import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Issues the birthday gift to every guest whose birthday is `today` (a date in the café's time
    /// zone), with a congratulation in the outbox. At most one birthday gift per guest per calendar
    /// year: the unique (customer, year) key makes a rerun or an edited birth date issue nothing
    /// more. One instance at a time: a run that finds another holding the job's lock does nothing
    /// (that one is doing the same work). Returns how many gifts this run issued.
    @discardableResult
    public func runBirthdayJob(today: CalendarDate, at now: Date) async throws -> Int {
        try await session.withTransaction { connection in
            let mine =
                try await connection.run(
                    "SELECT pg_try_advisory_xact_lock(\(Self.birthdayJobLock))", logger: logger
                ).collect().first?.decode(Bool.self) ?? false
            guard mine else { return 0 }
            return try await issueBirthdayGifts(today: today, at: now, on: connection)
        }
    }

    /// The birthday job's advisory lock, held until its transaction ends.
    static let birthdayJobLock: Int64 = 0x6372_656D_615F_6264

    private func issueBirthdayGifts(today: CalendarDate, at now: Date, on connection: PostgresConnection) async throws -> Int {
        let settings = try await session.settings(on: connection)
        let celebrated = BirthdayCycle.birthDatesCelebrated(on: today)
        let months = celebrated.map(\.month)
        let days = celebrated.map(\.day)
        let item = try await connection.run(
            "SELECT id, name, name_en FROM gift_catalog WHERE slug = \(settings.birthdayGiftSlug)", logger: logger
        ).collect().first?.decode((Int64, String, String).self)
        guard let (itemID, itemName, itemEnglishName) = item else {
            logger.warning("birthday gift item not in the catalogue", metadata: ["slug": "\(settings.birthdayGiftSlug)"])
            return 0
        }
        let expiresAt = now.addingTimeInterval(TimeInterval(settings.birthdayGiftValidDays) * 24 * 3600)
        let notice = String(
            decoding: try Notice.birthdayGift(.init(name: LocalizedName(russian: itemName, english: itemEnglishName), expiresAt: expiresAt))
                .encoded(), as: UTF8.self)
        return try await connection.run(
            """
            WITH celebrants AS (
                -- customers_birthday_idx serves this join.
                SELECT c.id, c.telegram_id, c.language FROM customers c
                JOIN unnest(\(months)::int[], \(days)::int[]) AS d (month, day)
                  ON extract(month FROM c.birth_date)::int = d.month AND extract(day FROM c.birth_date)::int = d.day
                WHERE c.birth_date IS NOT NULL AND c.anonymised_at IS NULL AND c.blocked_at IS NULL
            ), issued AS (
                INSERT INTO customer_gifts (customer_id, catalog_id, name, name_en, reason, actor_kind, actor_id, issued_at, expires_at, birthday_year)
                SELECT celebrants.id, \(itemID), \(itemName), \(itemEnglishName), 'birthday', 'system', 'birthday-job', \(now), \(expiresAt), \(today.year)
                FROM celebrants
                ON CONFLICT (customer_id, birthday_year) DO NOTHING
                RETURNING customer_id
            ), congratulations AS (
                INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
                SELECT 'client', celebrants.telegram_id, celebrants.id, 'transactional', \(notice)::jsonb, celebrants.language,
                       \(now), \(now)
                FROM issued JOIN celebrants ON celebrants.id = issued.customer_id
                WHERE celebrants.telegram_id IS NOT NULL
            )
            SELECT count(*)::int FROM issued
            """,
            logger: logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    /// Sets the guest's birth date. The first setting is free; after that it may be changed once.
    public func changeBirthDate(
        customerID: Int64, to birthDate: CalendarDate, today: CalendarDate, at now: Date
    ) async throws {
        try await session.withConnection { connection in
            guard BirthdayCycle.isPlausible(birthDate, today: today) else { throw LoyaltyError.invalidBirthDate }
            let changed =
                try await connection.run(
                    """
                    UPDATE customers
                    SET birth_date = \(birthDate.description)::date,
                        birth_date_changes = birth_date_changes + CASE WHEN birth_date IS NULL THEN 0 ELSE 1 END,
                        updated_at = \(now)
                    WHERE id = \(customerID) AND anonymised_at IS NULL AND (birth_date IS NULL OR birth_date_changes = 0)
                    RETURNING id
                    """,
                    logger: logger
                ).collect().count == 1
            guard changed else {
                if try await refusalForCustomer(customerID, on: connection) == .customerNotFound { throw LoyaltyError.customerNotFound }
                throw LoyaltyError.birthDateAlreadyChanged
            }
        }
    }
}
