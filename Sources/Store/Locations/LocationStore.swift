import Domain
import Foundation
import Logging
import PostgresNIO

/// One café of the chain.
public struct Location: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var name: String
    public var archived: Bool
}

/// The chain's locations, as the owner manages them in the admin panel; every change is audited.
public struct LocationStore: Sendable {
    public enum Change: Sendable, Equatable {
        case done
        /// Another location already has this code or name.
        case taken
        case notFound
        /// The only active location cannot be archived.
        case lastActive
    }

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Every location, active ones first, each group by name.
    public func all() async throws -> [Location] {
        try await database.withConnection(logger: logger) { connection in
            var found: [Location] = []
            let rows = try await connection.run(
                "SELECT id, slug, name, archived_at IS NOT NULL FROM locations ORDER BY archived_at IS NOT NULL, name, id", logger: logger)
            for try await (id, slug, name, archived) in rows.decode((Int64, String, String, Bool).self) {
                found.append(Location(id: id, slug: slug, name: name, archived: archived))
            }
            return found
        }
    }

    public func add(slug: String, name: String, by actor: Actor, at now: Date) async throws -> Change {
        try await database.withConnection(logger: logger) { connection in
            let added =
                try await connection.run(
                    """
                    WITH added AS (
                        INSERT INTO locations (slug, name, created_at) VALUES (\(slug), \(name), \(now))
                        ON CONFLICT DO NOTHING RETURNING id
                    )
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'location.added', 'location', id::text,
                           jsonb_build_object('slug', \(slug)::text, 'name', \(name)::text)
                    FROM added RETURNING 1
                    """,
                    logger: logger
                ).collect().count == 1
            return added ? .done : .taken
        }
    }

    public func rename(id: Int64, to name: String, by actor: Actor, at now: Date) async throws -> Change {
        do {
            return try await database.withConnection(logger: logger) { connection in
                let renamed =
                    try await connection.run(
                        """
                        WITH old AS (SELECT id, name FROM locations WHERE id = \(id)),
                        renamed AS (UPDATE locations SET name = \(name) WHERE id = \(id) AND name <> \(name) RETURNING id)
                        INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                        SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'location.renamed', 'location', renamed.id::text,
                               jsonb_build_object('name', old.name), jsonb_build_object('name', \(name)::text)
                        FROM renamed JOIN old ON old.id = renamed.id RETURNING 1
                        """,
                        logger: logger
                    ).collect().count == 1
                if renamed { return .done }
                let exists = try await connection.run("SELECT 1 FROM locations WHERE id = \(id)", logger: logger).collect().count == 1
                return exists ? .done : .notFound
            }
        } catch let error as PSQLError where error.violates("locations_name_unique") {
            return .taken
        }
    }

    /// Archives a location or brings it back. The last active location cannot be archived: the
    /// chain always has somewhere to sell.
    public func setArchived(_ archived: Bool, id: Int64, by actor: Actor, at now: Date) async throws -> Change {
        try await database.withTransaction(logger: logger) { connection in
            if archived {
                let others =
                    try await connection.run(
                        "SELECT count(*)::int FROM locations WHERE archived_at IS NULL AND id <> \(id)", logger: logger
                    ).collect().first?.decode(Int.self) ?? 0
                guard others > 0 else { return .lastActive }
            }
            let changed =
                try await connection.run(
                    """
                    WITH changed AS (
                        UPDATE locations SET archived_at = CASE WHEN \(archived) THEN \(now)::timestamptz END
                        WHERE id = \(id) AND (archived_at IS NOT NULL) <> \(archived) RETURNING id
                    )
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), \(archived ? "location.archived" : "location.restored"), 'location',
                           id::text, jsonb_build_object('archived', \(archived))
                    FROM changed RETURNING 1
                    """,
                    logger: logger
                ).collect().count == 1
            return changed ? .done : .notFound
        }
    }
}
