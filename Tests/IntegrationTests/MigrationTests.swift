import CremaTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Store

@Suite struct MigrationTests {
    let logger = Logger(label: "test.migrations")

    func appliedVersions(_ database: Database) async throws -> [Int] {
        try await database.withConnection(logger: logger) { connection in
            var versions: [Int] = []
            for try await version in try await connection.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger)
                .decode(Int.self)
            {
                versions.append(version)
            }
            return versions
        }
    }

    @Test func freshDatabaseGetsEveryMigrationAndTheCoreTables() async throws {
        let migrations = try Migration.bundled()
        try await withTestDatabase(empty: true) { url in
            try await RunningDatabase.with(url: url) { database in
                let migrator = Migrator(migrations: migrations)
                let applied = try await migrator.migrate(on: database, logger: logger)
                #expect(applied == migrations.map(\.name))
                #expect(try await appliedVersions(database) == migrations.map(\.version))
                #expect(try await migrator.status(on: database, logger: logger).isCurrent)

                let tables = try await database.withConnection(logger: logger) { connection in
                    try await connection.query(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('customers', 'staff', 'settings', 'audit_log', 'locations')",
                        logger: logger
                    ).collect().first?.decode(Int.self)
                }
                #expect(tables == 5)
            }
        }
    }

    @Test func balancesEarnedBeforeLotsBecomeOneLotEachThatNeverExpires() async throws {
        let migrations = try Migration.bundled()
        try await withTestDatabase(empty: true) { url in
            try await RunningDatabase.with(url: url) { database in
                try await Migrator(migrations: migrations.filter { $0.version < 22 }).migrate(on: database, logger: logger)
                _ = try await database.withConnection(logger: logger) { connection in
                    try await connection.query(
                        """
                        WITH guest AS (
                            INSERT INTO customers (telegram_id, phone, first_name, language, points_balance, created_at, updated_at)
                            VALUES (111111111, '+79001111111', 'Мария', 'ru', 120, now(), now()) RETURNING id
                        )
                        INSERT INTO points_ledger (customer_id, kind, points, actor_kind, actor_id, reason, created_at)
                        SELECT id, 'manual_credit', 120, 'admin', 'owner', 'before lots', now() FROM guest
                        """,
                        logger: logger
                    ).collect()
                }
                try await Migrator(migrations: migrations).migrate(on: database, logger: logger)
                let lot = try await database.withConnection(logger: logger) { connection in
                    try await connection.query(
                        "SELECT opening, remaining, expires_on IS NULL FROM point_lots", logger: logger
                    ).collect().map { try $0.decode((Int, Int, Bool).self) }
                }
                #expect(lot.count == 1)
                #expect(lot.first?.0 == 120 && lot.first?.1 == 120 && lot.first?.2 == true)
                #expect(try await LedgerCheck(database: database, logger: logger).run().isClean)
            }
        }
    }

    @Test func runningAgainChangesNothing() async throws {
        let migrator = Migrator(migrations: try Migration.bundled())
        try await withTestDatabase(empty: true) { url in
            try await RunningDatabase.with(url: url) { database in
                try await migrator.migrate(on: database, logger: logger)
                let second = try await migrator.migrate(on: database, logger: logger)
                #expect(second.isEmpty)
                #expect(try await appliedVersions(database).count == migrator.migrations.count)
            }
        }
    }

    @Test func twoProcessesMigratingAtOnceApplyEachMigrationOnce() async throws {
        let migrations = try Migration.bundled()
        try await withTestDatabase(empty: true) { url in
            let environment = ["APP_ENV": "test", "DATABASE_URL": url.string, "LOG_LEVEL": "warning"]
            let first = try CremaProcess(["migrate"], environment: environment)
            let second = try CremaProcess(["migrate"], environment: environment)
            let outcomes = [try await first.waitForExit(), try await second.waitForExit()]

            #expect(outcomes.map(\.status) == [0, 0], "\(outcomes.map(\.stderr))")
            let reports = outcomes.map(\.stdout).sorted()
            #expect(reports.contains { $0.contains("applied \(migrations.count)") })
            #expect(reports.contains { $0.contains("database is up to date") })
            let versions = try await RunningDatabase.with(url: url) { database in
                try await appliedVersions(database)
            }
            #expect(versions == migrations.map(\.version))
        }
    }

    @Test func anEditedAppliedMigrationIsRefusedByName() async throws {
        let original = Migration(version: 1, name: "0001_demo", sql: "CREATE TABLE demo (id int)")
        let edited = Migration(version: 1, name: "0001_demo", sql: "CREATE TABLE demo (id bigint)")
        try await withTestDatabase(empty: true) { url in
            try await RunningDatabase.with(url: url) { database in
                try await Migrator(migrations: [original]).migrate(on: database, logger: logger)
                await #expect(throws: MigrationError.edited(name: "0001_demo")) {
                    try await Migrator(migrations: [edited]).migrate(on: database, logger: logger)
                }
                await #expect(throws: MigrationError.edited(name: "0001_demo")) {
                    try await Migrator(migrations: [edited]).verify(on: database, logger: logger)
                }
            }
        }
    }

    @Test func theCLIRefusesAnEditedMigrationNamingIt() async throws {
        let first = try #require(try Migration.bundled().first)
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                try await database.withConnection(logger: logger) { connection in
                    try await connection.query(
                        "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = \(first.version)", logger: logger)
                }
            }
            let outcome = try await CremaProcess.run(["migrate"], environment: ["APP_ENV": "test", "DATABASE_URL": url.string])
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("migration \(first.name) was edited after it was applied"))
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let good = Migration(version: 1, name: "0001_good", sql: "CREATE TABLE good (id int)")
        let bad = Migration(version: 2, name: "0002_bad", sql: "CREATE TABLE half (id int); SELECT no_such_function()")
        try await withTestDatabase(empty: true) { url in
            try await RunningDatabase.with(url: url) { database in
                await #expect(throws: (any Error).self) {
                    try await Migrator(migrations: [good, bad]).migrate(on: database, logger: logger)
                }
                #expect(try await appliedVersions(database) == [1])
                let half = try await database.withConnection(logger: logger) { connection in
                    try await connection.query("SELECT to_regclass('half') IS NULL", logger: logger).collect().first?.decode(Bool.self)
                }
                #expect(half == true)
            }
        }
    }

    @Test func theAuditLogRefusesUpdatesAndDeletes() async throws {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                try await database.withConnection(logger: logger) { connection in
                    try await connection.query(
                        "INSERT INTO audit_log (actor_kind, action) VALUES ('system', 'test.inserted')", logger: logger)
                }
                for statement in ["UPDATE audit_log SET action = 'test.changed'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
                    await #expect(throws: PSQLError.self) {
                        try await database.withConnection(logger: logger) { connection in
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                    }
                }
            }
        }
    }
}

@Suite struct SQLScriptTests {
    @Test func splitsOnSemicolonsOutsideQuotesCommentsAndDollarBodies() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (note text DEFAULT 'x;y', "odd;name" int);
            /* block; /* nested; */ still comment; */
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'no; never';
            END;
            $$;
            CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            INSERT INTO a (note) VALUES ('it''s; fine')
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("\"odd;name\" int)"))
        #expect(statements[1].contains("RAISE EXCEPTION 'no; never';"))
        #expect(statements[2].hasSuffix("$body$ SELECT 1; $body$"))
        #expect(statements[3] == "INSERT INTO a (note) VALUES ('it''s; fine')")
    }

    @Test func positionalParametersAreNotDollarQuotes() {
        let statements = SQLScript.statements(in: "PREPARE p AS SELECT $1 + $2; SELECT 2")
        #expect(statements == ["PREPARE p AS SELECT $1 + $2", "SELECT 2"])
    }

    @Test func trailingCommentsAreNotAStatement() {
        #expect(SQLScript.statements(in: "SELECT 1;\n-- the end\n") == ["SELECT 1"])
    }
}
