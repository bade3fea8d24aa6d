import Domain
import Foundation
import PostgresNIO

extension V1Import {
    /// Vets and takes in the guests; returns the v1 ids of the guests in Crema after this run
    /// (in a dry run: that would be), which decide whose orders, gifts and feedback come in.
    func importGuests(_ users: [V1.User], report: inout ImportReconciliation, now: Date) async throws -> Set<Int64> {
        report.users.read = users.count
        let clients = users.filter { $0.role == "client" }
        report.pointsIn = clients.reduce(0) { $0 + $1.points }
        let vetting = GuestVetting(users: users, today: now)
        report.users.notes = vetting.notes
        report.negativePointsLeftOut = vetting.negativePointsLeftOut

        let found = try await existingGuests(vetting.accepted)
        var refused = vetting.refused
        var arriving: [ImportedGuest] = []
        var inCrema: Set<Int64> = []
        for guest in vetting.accepted {
            switch found[guest.source] {
            case .imported?:
                report.users.alreadyImported += 1
                report.pointsOut += guest.openingPoints
                inCrema.insert(guest.sourceID)
            case .conflict(let reason)?:
                refused.append(ImportRefusal("users", guest.sourceID, reason))
            case nil:
                arriving.append(guest)
                inCrema.insert(guest.sourceID)
            }
        }
        let refusedIDs = Set(refused.map(\.row))
        report.pointsOfRefusedGuests = clients.filter { refusedIDs.contains("users \($0.id)") }.reduce(0) { $0 + $1.points }
        report.users.refused = refused

        for batch in arriving.chunks(of: options.batchSize) {
            let written = options.dryRun ? batch.count : try await insert(Array(batch), now: now)
            report.users.imported += written
            report.users.alreadyImported += batch.count - written
            report.pointsOut += batch.reduce(0) { $0 + $1.openingPoints }
        }
        return inCrema
    }

    enum Found {
        case imported
        case conflict(String)
    }

    /// Which of `guests` an earlier run brought in, and which clash with a guest Crema already
    /// has (registered in the bot, or imported from another row).
    private func existingGuests(_ guests: [ImportedGuest]) async throws -> [String: Found] {
        var found: [String: Found] = [:]
        for batch in guests.chunks(of: 10_000) {
            try await target.withConnection(logger: logger) { connection in
                let rows = try await connection.run(
                    """
                    WITH i AS (
                        SELECT * FROM unnest(\(batch.map(\.source))::text[], \(batch.map(\.telegramID))::bigint[],
                                             \(batch.map(\.phone.e164))::text[]) AS i (source, telegram_id, phone)
                    )
                    -- Three lookups, each by its own unique index: one join on "source OR id OR
                    -- phone" compares every pair, and a run again over 100,000 guests took minutes.
                    SELECT i.source, true, c.telegram_id = i.telegram_id FROM i JOIN customers c ON c.import_source = i.source
                    UNION ALL
                    SELECT i.source, false, true FROM i JOIN customers c ON c.telegram_id = i.telegram_id
                    WHERE c.import_source IS DISTINCT FROM i.source
                    UNION ALL
                    SELECT i.source, false, c.telegram_id = i.telegram_id FROM i JOIN customers c ON c.phone = i.phone
                    WHERE c.import_source IS DISTINCT FROM i.source
                    """, logger: logger)
                for try await (source, same, sameTelegramID) in rows.decode((String, Bool, Bool?).self) {
                    if same {
                        found[source] = .imported
                    } else if case .imported? = found[source] {
                        continue
                    } else {
                        found[source] = .conflict(
                            sameTelegramID == true
                                ? "a Crema guest already has this Telegram id" : "a Crema guest already has this phone number")
                    }
                }
            }
        }
        return found
    }

    /// Guests, their opening lots and opening ledger entries, in one statement: a batch comes in
    /// whole or not at all.
    private func insert(_ guests: [ImportedGuest], now: Date) async throws -> Int {
        try await target.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH incoming AS (
                    SELECT * FROM unnest(
                        \(guests.map(\.source))::text[], \(guests.map(\.telegramID))::bigint[], \(guests.map(\.phone.e164))::text[],
                        \(guests.map(\.firstName))::text[], \(guests.map { $0.lastName ?? "" })::text[],
                        \(guests.map { $0.birthDate ?? "" })::text[], \(guests.map(\.tierFloor.rawValue))::text[],
                        \(guests.map(\.openingPoints))::int[], \(guests.map(\.blocked))::bool[]
                    ) AS i (source, telegram_id, phone, first_name, last_name, birth_date, tier, points, blocked)
                ), inserted AS (
                    INSERT INTO customers (import_source, telegram_id, phone, first_name, last_name, birth_date, tier, tier_floor,
                                           points_balance, blocked_at, created_at, updated_at)
                    SELECT source, telegram_id, phone, first_name, nullif(last_name, ''), nullif(birth_date, '')::date, tier, tier,
                           points, CASE WHEN blocked THEN \(now)::timestamptz END, \(now), \(now)
                    FROM incoming
                    ON CONFLICT (import_source) DO NOTHING
                    RETURNING id, import_source, points_balance
                ), lots AS (
                    INSERT INTO point_lots (customer_id, remaining, earned_at)
                    SELECT id, points_balance, \(now) FROM inserted WHERE points_balance > 0
                    RETURNING id, customer_id, remaining
                ), opening AS (
                    INSERT INTO points_ledger (customer_id, kind, points, lot_id, actor_kind, actor_id, reason, created_at)
                    SELECT l.customer_id, 'import', l.remaining, l.id, 'system', 'import-v1',
                           'opening balance from v1 ' || replace(substr(i.import_source, 4), ':', ' '), \(now)
                    FROM lots l JOIN inserted i ON i.id = l.customer_id
                )
                SELECT count(*)::int FROM inserted
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
