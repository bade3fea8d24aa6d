import CremaTestSupport
import Foundation
import Logging
import Store
import Synchronization
import Testing

/// PostgreSQL restarted ten times under a stream of partner-API sales (prepared statements, in
/// transactions), each restart followed by SIGTERM to the real `crema serve`: no database call
/// stays stuck, so every stop is a clean exit within 10 s, and every sale the API acknowledged
/// exists exactly once.
@Suite struct PostgresRestartLiveTests {
    static let rounds = 10
    static let workers = 6
    static let guests: [Int64] = (1...20).map { 7_100_000 + $0 }

    @Test(.timeLimit(.minutes(5)))
    func everyStopAfterARestartIsCleanAndEveryAcknowledgedSaleExistsOnce() async throws {
        let cluster = try await PrivateCluster.create()
        do {
            try await check(cluster)
        } catch {
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }

    private func check(_ cluster: PrivateCluster) async throws {
        let url = try cluster.url
        let setUpStarted = ContinuousClock.now
        let key = try await RunningDatabase.with(url: url) { database in
            try await Migrator(migrations: try Migration.bundled()).migrate(on: database, logger: Logger(label: "test"))
            let fixture = try await LoyaltyFixture.over(database)
            for telegramID in Self.guests { _ = try await fixture.guest(telegramID, name: "Гость") }
            _ = try await fixture.count("UPDATE settings SET value = to_jsonb(1000000) WHERE key = 'api_requests_per_minute' RETURNING 1")
            return try await APIClient.createKey(in: database)
        }

        var acknowledged: [String: Int] = [:]
        let began = ContinuousClock.now
        print("restart test: set up in \(began - setUpStarted)")
        for round in 1...Self.rounds {
            let port = try await ClusterScript.freePort()
            let server = try CremaProcess(
                ["serve"],
                environment: [
                    "APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "warning",
                    "DATABASE_POOL_SIZE": "8",
                ])
            let base = "http://127.0.0.1:\(port)"
            let launched = ContinuousClock.now
            try await waitUntilReady(base)
            let ready = ContinuousClock.now

            let stream = SaleStream(base: base, key: key, round: round)
            let selling = Task { await stream.run(workers: Self.workers) }
            try await stream.waitForAcknowledged(atLeast: 5)
            let restarting = ContinuousClock.now
            try await cluster.stop()
            try await cluster.start()
            let restarted = ContinuousClock.now
            // Sales go through again once PostgreSQL is back; then the instance is asked to stop.
            let resumedFrom = stream.acknowledgedCount
            let resumeDeadline = ContinuousClock.now + .seconds(15)
            while stream.acknowledgedCount < resumedFrom + 10, ContinuousClock.now < resumeDeadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(stream.acknowledgedCount >= resumedFrom + 10, "round \(round): sales did not go through again after the restart")

            let stopAsked = ContinuousClock.now
            server.signal(SIGTERM)
            let outcome = try await server.waitForExit(timeout: .seconds(30))
            let stopTook = ContinuousClock.now - stopAsked
            stream.stop()
            await selling.value
            #expect(outcome.status == 0, "round \(round): exit \(outcome.status)\n\(outcome.stderrExcerpt)")
            #expect(stopTook < .seconds(10), "round \(round): the stop took \(stopTook)\n\(outcome.stderrExcerpt)")
            acknowledged.merge(stream.acknowledged) { first, _ in first }
            // The figures bench/README.md quotes.
            print(
                "restart round \(round): ready in \(ready - launched), PostgreSQL restart \(restarted - restarting),"
                    + " sales again after \(stopAsked - restarted), stop in \(stopTook) (exit \(outcome.status)),"
                    + " \(stream.acknowledgedCount) sales acknowledged; at \(ContinuousClock.now - began)")
        }

        let allAcknowledged = acknowledged
        let verifying = ContinuousClock.now
        defer { print("restart test: verified in \(ContinuousClock.now - verifying)") }
        try await RunningDatabase.with(url: url) { database in
            let fixture = try await LoyaltyFixture.over(database)
            let orders = try await database.withConnection(logger: Logger(label: "test")) { connection in
                try await connection.query(
                    "SELECT idempotency_key, id::int FROM orders WHERE idempotency_key LIKE 'api:%'", logger: Logger(label: "test")
                )
                .collect().map { try $0.decode((String, Int).self) }
            }
            var ordersByKey: [String: [Int]] = [:]
            for (storedKey, id) in orders {
                let requestKey = String(storedKey.split(separator: ":", maxSplits: 2).last ?? "")
                ordersByKey[requestKey, default: []].append(id)
            }
            #expect(allAcknowledged.count >= Self.rounds * 5)
            for (requestKey, orderID) in allAcknowledged {
                #expect(ordersByKey[requestKey] == [orderID], "sale \(requestKey): acknowledged as order \(orderID)")
            }
            #expect(ordersByKey.values.allSatisfy { $0.count == 1 })
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    private func waitUntilReady(_ base: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? await HTTPProbe.status(of: base + "/readyz")) == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestHarnessError("crema serve did not become ready at \(base)")
    }
}

/// Partner-API sales sent back to back by a few workers until stopped; remembers which the API
/// acknowledged (201 with an order id) under which Idempotency-Key.
private final class SaleStream: Sendable {
    let base: String
    let key: String
    let round: Int
    private let state = Mutex<(stopped: Bool, acknowledged: [String: Int], lastRefusal: String)>((false, [:], ""))

    init(base: String, key: String, round: Int) {
        self.base = base
        self.key = key
        self.round = round
    }

    var acknowledged: [String: Int] { state.withLock { $0.acknowledged } }
    var acknowledgedCount: Int { state.withLock { $0.acknowledged.count } }
    func stop() { state.withLock { $0.stopped = true } }

    func waitForAcknowledged(atLeast count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while acknowledgedCount < count {
            guard ContinuousClock.now < deadline else {
                throw TestHarnessError("only \(acknowledgedCount) sales acknowledged; last refusal: \(state.withLock { $0.lastRefusal })")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func run(workers: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask { await self.sell(worker: worker) }
            }
        }
    }

    private func sell(worker: Int) async {
        var sent = 0
        while !state.withLock({ $0.stopped }) {
            sent += 1
            let requestKey = "restart-\(round)-\(worker)-\(sent)"
            let guest = PostgresRestartLiveTests.guests[(worker * 7 + sent) % PostgresRestartLiveTests.guests.count]
            let body = Data(#"{"telegram_id": \#(guest), "amount_kopecks": 35000}"#.utf8)
            // A request still connecting when the instance exits is retried by the HTTP client until
            // its timeout: keep that short, the server itself answers within 2 s even while PostgreSQL is away.
            guard
                let answer = try? await HTTPProbe.postJSON(
                    base + "/api/v1/orders", body: body,
                    headers: ["Authorization": "Bearer \(key)", "Idempotency-Key": requestKey], timeout: .seconds(4))
            else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            if answer.status == 201, let object = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
                let id = (object["id"] as? NSNumber)?.intValue
            {
                state.withLock { $0.acknowledged[requestKey] = id }
            } else {
                state.withLock { $0.lastRefusal = "\(answer.status) \(String(decoding: answer.body, as: UTF8.self))" }
                if answer.status >= 500 { try? await Task.sleep(for: .milliseconds(20)) }
            }
        }
    }
}
