import CremaTestSupport
import Foundation
import HummingbirdTesting
import Logging
import Store
import Testing

/// While PostgreSQL is away every request is answered at once with 503 and `Retry-After`, never
/// held for the pool's circuit breaker (about a minute), and everything works again when it is back.
@Suite struct DatabaseAwayTests {
    @Test func aLeaseGivesUpWithinItsDeadlineWhenNothingListens() async throws {
        let port = try await ClusterScript.freePort()
        let url = try DatabaseURL("postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable")
        try await RunningDatabase.with(url: url) { database in
            let started = ContinuousClock.now
            await #expect(throws: (any Error).self) {
                try await database.withConnection(logger: Logger(label: "test")) { connection in
                    _ = try await connection.query("SELECT 1", logger: Logger(label: "test")).collect()
                }
            }
            let waited = ContinuousClock.now - started
            #expect(waited < .seconds(2), "waited \(waited)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func everyChannelAnswers503WithinTwoSecondsAndRecovers() async throws {
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
        let key = try await RunningDatabase.with(url: url) { database in
            try await Migrator(migrations: try Migration.bundled()).migrate(on: database, logger: Logger(label: "test"))
            return try await APIClient.createKey(in: database)
        }
        let app = try TestApp(databaseURL: url)
        try await app.application().test(.router) { client in
            let api = APIClient(client: client, key: key)
            let guest = BotUser(client: client, secret: app.configuration.telegram.clientWebhookSecret, languageCode: "ru")
            #expect(try await guest.send(text: "/start").status == 200)

            try await cluster.stop()
            // Each kind of request, several at once, as traffic keeps coming.
            let started = ContinuousClock.now
            let answers = try await withThrowingTaskGroup(of: (String, Int, String?, Duration).self) { group in
                for round in 0..<3 {
                    group.addTask {
                        let answer = try await api.get("/api/v1/customers/\(round + 1)")
                        return ("api lookup", answer.status, answer.headers[.retryAfter], ContinuousClock.now - started)
                    }
                    group.addTask {
                        let answer = try await api.post(
                            "/api/v1/orders", json: ["telegram_id": 1, "amount_kopecks": 10_000], idempotencyKey: "away-\(round)")
                        return ("api sale", answer.status, answer.headers[.retryAfter], ContinuousClock.now - started)
                    }
                    group.addTask {
                        let answer = try await guest.send(text: "🔢 Код оплаты")
                        return ("webhook", answer.status, nil, ContinuousClock.now - started)
                    }
                    group.addTask {
                        let answer = try await client.execute(uri: "/readyz", method: .get)
                        return ("readyz", Int(answer.status.code), nil, ContinuousClock.now - started)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for (what, status, retryAfter, took) in answers {
                #expect(status == 503, "\(what) answered \(status)")
                #expect(took < .milliseconds(2500), "\(what) took \(took)")
                if what.hasPrefix("api") { #expect(retryAfter != nil, "\(what) without Retry-After") }
            }
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok, "the process itself stays healthy")

            try await cluster.start()
            var recovered = false
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline, !recovered {
                recovered = try await client.execute(uri: "/readyz", method: .get).status == .ok
                if !recovered { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(recovered)
            #expect(try await api.get("/api/v1/customers/424242").status == 404)
            #expect(try await guest.send(text: "/start").status == 200)
        }
    }
}
