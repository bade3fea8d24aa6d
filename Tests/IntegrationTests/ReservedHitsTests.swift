import CremaTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Store

/// The partner API's per-key limits are counted by blocks an instance reserves from the shared
/// counter (`ReservedHits`): never more than the limit across instances; exact with one instance;
/// at most one block per instance unused elsewhere when a key is refused. These tests hold each
/// instance's reserve to that tolerance, over a real PostgreSQL.
@Suite struct ReservedHitsTests {
    static let limit = APIKeyStore.Limit(setting: "api_requests_per_minute", fallback: 600)
    static let window = Date(timeIntervalSince1970: 1_800_000_000)

    /// Instances (stores, each with its own reserve) admitting requests of one key whose limit is
    /// `maximum` a minute.
    func withInstances(
        _ count: Int, maximum: Int, _ body: @Sendable ([APIKeyStore], String, Database) async throws -> Void
    ) async throws {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                let logger = Logger(label: "crema.test.rate")
                _ = try await database.withConnection(logger: logger) { connection in
                    try await connection.query(
                        "UPDATE settings SET value = to_jsonb(\(maximum)::bigint) WHERE key = 'api_requests_per_minute'", logger: logger)
                }
                let token = try await APIClient.createKey(in: database)
                let instances = (0..<count).map { _ in
                    APIKeyStore(database: database, logger: logger, reservedHits: ReservedHits())
                }
                try await body(instances, token, database)
            }
        }
    }

    func admitted(_ store: APIKeyStore, _ token: String, at now: Date = Self.window.addingTimeInterval(5)) async throws -> Bool {
        let admission = try #require(try await store.admit(token, limits: [Self.limit], at: now))
        return admission.retryAfter == nil
    }

    func counted(_ database: Database) async throws -> Int {
        let logger = Logger(label: "crema.test.rate")
        return try await database.withConnection(logger: logger) { connection in
            try await connection.query("SELECT coalesce(sum(hits), 0)::int FROM rate_limit_counters", logger: logger).collect()
                .first?.decode(Int.self) ?? 0
        }
    }

    @Test func oneInstanceAdmitsExactlyTheLimitAndCountsWhatItRefuses() async throws {
        try await withInstances(1, maximum: 100) { instances, token, database in
            var answers: [Bool] = []
            for _ in 0..<110 { answers.append(try await admitted(instances[0], token)) }
            #expect(answers.prefix(100).allSatisfy { $0 })
            #expect(answers.suffix(10).allSatisfy { !$0 })
            // The counter holds every request, the refused ones too, and the reserve is used up.
            #expect(try await counted(database) >= 110)
            #expect(instances[0].reservedHits.unused == 0)
            // A refusal says when the minute's window ends.
            let refused = try #require(
                try await instances[0].admit(token, limits: [Self.limit], at: Self.window.addingTimeInterval(5)))
            #expect(refused.retryAfter == 55)
            // The next window starts afresh.
            #expect(try await admitted(instances[0], token, at: Self.window.addingTimeInterval(61)))
        }
    }

    @Test func mostRequestsCountWithoutAWrite() async throws {
        try await withInstances(1, maximum: 100_000) { instances, token, database async throws in
            for _ in 0..<200 { #expect(try await admitted(instances[0], token)) }
            // A block of 1 to learn the limit, then blocks of 64: five writes for 200 requests.
            #expect(try await counted(database) == 1 + 4 * ReservedHits.largestBlock)
            #expect(instances[0].reservedHits.unused == 1 + 4 * ReservedHits.largestBlock - 200)
        }
    }

    @Test(arguments: [2, 3])
    func instancesTakingTurnsAtRandomNeverAdmitMoreThanTheLimit(_ count: Int) async throws {
        try await withInstances(count, maximum: 150) { instances, token, database in
            var random = SystemRandomNumberGenerator()
            var admittedCount = 0
            for _ in 0..<400 {
                if try await admitted(instances.randomElement(using: &random)!, token) { admittedCount += 1 }
            }
            let unused = instances.reduce(0) { $0 + $1.reservedHits.unused }
            // What was reserved and not used is all that stands between the admitted and the limit.
            #expect(admittedCount <= 150)
            #expect(admittedCount + unused == 150, "admitted \(admittedCount), unused \(unused)")
            // Each instance holds at most one block: an eighth of what it last saw left, 64 at most.
            for instance in instances { #expect(instance.reservedHits.unused <= 150 / 8) }
            #expect(try await counted(database) >= 400)
        }
    }

    @Test func aKeyServedByTwoInstancesAtOnceGetsNoMoreThanItsLimit() async throws {
        try await withInstances(2, maximum: 300) { instances, token, _ in
            let admittedCount = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        var admitted = 0
                        for _ in 0..<40 {
                            if try await self.admitted(instances[worker % 2], token) { admitted += 1 }
                        }
                        return admitted
                    }
                }
                return try await group.reduce(0, +)
            }
            let unused = instances.reduce(0) { $0 + $1.reservedHits.unused }
            #expect(admittedCount <= 300)
            #expect(admittedCount + unused == 300, "admitted \(admittedCount), unused \(unused)")
        }
    }

    @Test func anIdleInstanceHoldsAtMostOneBlockOfWhatAnotherIsRefused() async throws {
        try await withInstances(2, maximum: 600) { instances, token, _ in
            // The first instance serves a few requests, then goes quiet holding its block.
            for _ in 0..<3 { #expect(try await admitted(instances[0], token)) }
            let held = instances[0].reservedHits.unused
            #expect(held > 0 && held <= ReservedHits.largestBlock)
            var second = 0
            while try await admitted(instances[1], token) { second += 1 }
            // The second is refused only when all but the idle block is used: the tolerance.
            #expect(3 + second == 600 - held)
            // The idle instance still serves its block, and then the limit is exact.
            var rest = 0
            while try await admitted(instances[0], token) { rest += 1 }
            #expect(rest == held)
        }
    }
}
