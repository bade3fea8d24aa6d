import CremaTestSupport
import Foundation
import HummingbirdTesting
import Logging
import Store
import Testing

/// The instance stays up while PostgreSQL is away and becomes ready again by itself.
@Suite struct ReadinessRecoveryTests {
    @Test(.timeLimit(.minutes(2)))
    func readyzGoesUnavailableWhilePostgresIsStoppedAndRecoversWithoutARestart() async throws {
        let cluster = try await PrivateCluster.create()
        do {
            try await checkRecovery(of: cluster)
        } catch {
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }

    private func checkRecovery(of cluster: PrivateCluster) async throws {
        let url = try cluster.url

        let key = try await RunningDatabase.with(url: url) { database in
            try await Migrator(migrations: try Migration.bundled()).migrate(on: database, logger: Logger(label: "test"))
            return try await APIClient.createKey(in: database)
        }

        let app = try TestApp(databaseURL: url)
        try await app.application().test(.router) { client in
            let api = APIClient(client: client, key: key)
            // The first answer opens the pool's first connection: on a loaded machine that can
            // take longer than readiness's 2-s deadline, so the app is given time to become ready.
            #expect(try await Self.becomesReady(client))

            try await cluster.stop()
            let whileDown = try await client.execute(uri: "/readyz", method: .get)
            #expect(whileDown.status == .serviceUnavailable)
            #expect(String(buffer: whileDown.body).contains("database"))
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)

            try await cluster.start()
            #expect(try await Self.becomesReady(client))
            let lookup = try await api.get("/api/v1/customers/424242")
            #expect(lookup.status == 404, "\(lookup.text)")
        }
    }

    /// Polls `/readyz` until it answers 200, for up to `limit`.
    static func becomesReady(_ client: some TestClientProtocol, within limit: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await client.execute(uri: "/readyz", method: .get).status == .ok { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }
}
