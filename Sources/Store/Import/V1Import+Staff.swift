import Domain
import Foundation
import PostgresNIO

extension V1Import {
    /// Takes in the baristas as staff of the import's location; returns the v1 ids of those in
    /// Crema after this run, whose orders keep their staff member.
    func importStaff(_ baristas: [V1.Barista], locationID: Int64, report: inout ImportReconciliation, now: Date) async throws -> Set<Int64>
    {
        report.baristas.read = baristas.count
        var candidates: [ImportedStaff] = []
        for barista in baristas {
            switch StaffVetting.vet(barista) {
            case .success(let staff): candidates.append(staff)
            case .failure(let refusal): report.baristas.refused.append(refusal)
            }
        }
        let found = try await existingStaff(candidates)
        var arriving: [ImportedStaff] = []
        var inCrema: Set<Int64> = []
        for staff in candidates {
            switch found[staff.source] {
            case true?:
                report.baristas.alreadyImported += 1
                inCrema.insert(staff.sourceID)
            case false?:
                report.baristas.refused.append(
                    ImportRefusal("baristas", staff.sourceID, "a Crema staff member already has Telegram id \(staff.telegramID)"))
            case nil:
                arriving.append(staff)
                inCrema.insert(staff.sourceID)
            }
        }
        guard !options.dryRun, !arriving.isEmpty else {
            report.baristas.imported = arriving.count
            return inCrema
        }
        let written = try await target.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH inserted AS (
                    INSERT INTO staff (import_source, telegram_id, display_name, role, location_id, active, created_at, deactivated_at)
                    SELECT source, telegram_id, name, CASE WHEN manager THEN 'manager' ELSE 'barista' END, \(locationID), active, \(now),
                           CASE WHEN NOT active THEN \(now)::timestamptz END
                    FROM unnest(\(arriving.map(\.source))::text[], \(arriving.map(\.telegramID))::bigint[],
                                \(arriving.map(\.displayName))::text[], \(arriving.map(\.isManager))::bool[], \(arriving.map(\.active))::bool[])
                        AS i (source, telegram_id, name, manager, active)
                    ON CONFLICT (import_source) DO NOTHING
                    RETURNING 1
                )
                SELECT count(*)::int FROM inserted
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
        report.baristas.imported = written
        report.baristas.alreadyImported += arriving.count - written
        return inCrema
    }

    /// For each candidate Crema already knows: true when an earlier run brought it in, false when
    /// another staff member holds its Telegram id.
    private func existingStaff(_ staff: [ImportedStaff]) async throws -> [String: Bool] {
        try await target.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT i.source, coalesce(s.import_source = i.source, false)
                FROM unnest(\(staff.map(\.source))::text[], \(staff.map(\.telegramID))::bigint[]) AS i (source, telegram_id)
                JOIN staff s ON s.import_source = i.source OR s.telegram_id = i.telegram_id
                """, logger: logger)
            var found: [String: Bool] = [:]
            for try await (source, same) in rows.decode((String, Bool).self) { found[source] = (found[source] ?? false) || same }
            return found
        }
    }
}
