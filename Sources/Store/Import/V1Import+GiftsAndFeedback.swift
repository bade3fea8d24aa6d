import Domain
import Foundation
import PostgresNIO

extension V1Import {
    /// Unused v1 gifts become active gifts of the catalogue item of their type, valid for the
    /// days the owner chose; used ones are history.
    func importGifts(_ gifts: [V1.Gift], guests: Set<Int64>, report: inout ImportReconciliation, now: Date) async throws {
        report.gifts.read = gifts.count
        let catalog = try await catalogSlugs()
        var arriving: [ImportedGift] = []
        for gift in gifts {
            switch GiftVetting.vet(gift, guests: guests) {
            case .used:
                report.gifts.historyOnly += 1
            case .refused(let refusal):
                report.gifts.refused.append(refusal)
            case .active where !catalog.contains(gift.type):
                report.gifts.refused.append(ImportRefusal("gifts", gift.id, "the catalogue has no active gift \"\(gift.type)\""))
            case .active(let parts):
                arriving += parts
            }
        }
        // A row of amount 2 is two gifts; the tally counts rows, new when any of its gifts is.
        var freshRows: Set<Int64> = []
        for batch in arriving.chunks(of: options.batchSize) {
            let parts = Array(batch)
            let fresh = options.dryRun ? try await missingGifts(parts) : try await insert(parts, now: now)
            freshRows.formUnion(parts.filter { fresh.contains($0.source) }.map(\.sourceID))
        }
        let rows = Set(arriving.map(\.sourceID))
        report.gifts.imported = freshRows.count
        report.gifts.alreadyImported = rows.count - freshRows.count
        report.giftsIssued = arriving.count
    }

    private func missingGifts(_ gifts: [ImportedGift]) async throws -> Set<String> {
        try await target.withConnection(logger: logger) { connection in
            var missing = Set(gifts.map(\.source))
            let rows = try await connection.run(
                "SELECT import_source FROM customer_gifts WHERE import_source = ANY(\(gifts.map(\.source))::text[])", logger: logger)
            for try await source in rows.decode(String.self) { missing.remove(source) }
            return missing
        }
    }

    private func catalogSlugs() async throws -> Set<String> {
        try await target.withConnection(logger: logger) { connection in
            var slugs: Set<String> = []
            for try await slug in try await connection.run("SELECT slug FROM gift_catalog WHERE active", logger: logger).decode(String.self)
            {
                slugs.insert(slug)
            }
            return slugs
        }
    }

    private func insert(_ gifts: [ImportedGift], now: Date) async throws -> Set<String> {
        let expiry = now.addingTimeInterval(TimeInterval(options.giftValidDays) * 86_400)
        return try await target.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH inserted AS (
                    INSERT INTO customer_gifts (import_source, customer_id, catalog_id, name, name_en, reason, actor_kind, actor_id,
                                                issued_at, expires_at)
                    SELECT i.source, c.id, g.id, g.name, g.name_en, 'imported from the original system', 'system', 'import-v1',
                           least(i.issued_at, \(now)), \(expiry)
                    FROM unnest(\(gifts.map(\.source))::text[], \(gifts.map(\.guestSource))::text[], \(gifts.map(\.catalogSlug))::text[],
                                \(gifts.map(\.issuedAt))::timestamptz[]) AS i (source, guest, slug, issued_at)
                    JOIN customers c ON c.import_source = i.guest
                    JOIN gift_catalog g ON g.slug = i.slug
                    ON CONFLICT DO NOTHING
                    RETURNING import_source
                )
                SELECT import_source FROM inserted
                """, logger: logger)
            var fresh: Set<String> = []
            for try await source in rows.decode(String.self) { fresh.insert(source) }
            return fresh
        }
    }

    /// v1 reviews and ideas as feedback already handled: history, not new work for the inbox.
    func importFeedback(_ rows: [V1.Feedback], guests: Set<Int64>, report: inout ImportReconciliation) async throws {
        report.feedback.read = rows.count
        var arriving: [ImportedFeedback] = []
        for row in rows {
            switch FeedbackVetting.vet(row, guests: guests) {
            case .success(let feedback): arriving.append(feedback)
            case .failure(let refusal): report.feedback.refused.append(refusal)
            }
        }
        for batch in arriving.chunks(of: options.batchSize) {
            let items = Array(batch)
            let fresh = options.dryRun ? try await countMissing(items.map(\.source), in: .feedback) : try await insert(items)
            report.feedback.imported += fresh
            report.feedback.alreadyImported += items.count - fresh
        }
    }

    private func insert(_ items: [ImportedFeedback]) async throws -> Int {
        try await target.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH inserted AS (
                    INSERT INTO feedback (import_source, customer_id, kind, rating, body, status, channel, created_at, updated_at)
                    SELECT i.source, c.id, i.kind, nullif(i.rating, 0)::smallint, nullif(i.body, ''), 'done', 'client_bot', i.created_at,
                           i.created_at
                    FROM unnest(\(items.map(\.source))::text[], \(items.map(\.guestSource))::text[], \(items.map(\.kind.rawValue))::text[],
                                \(items.map { $0.rating ?? 0 })::int[], \(items.map { $0.body ?? "" })::text[],
                                \(items.map(\.createdAt))::timestamptz[]) AS i (source, guest, kind, rating, body, created_at)
                    JOIN customers c ON c.import_source = i.guest
                    ON CONFLICT DO NOTHING
                    RETURNING 1
                )
                SELECT count(*)::int FROM inserted
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}
