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
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)

            try await cluster.stop()
            let whileDown = try await client.execute(uri: "/readyz", method: .get)
            #expect(whileDown.status == .serviceUnavailable)
            #expect(String(buffer: whileDown.body).contains("database"))
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)

            try await cluster.start()
            var recovered = false
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if try await client.execute(uri: "/readyz", method: .get).status == .ok {
                    recovered = true
                    break
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(recovered)
            let lookup = try await api.get("/api/v1/customers/424242")
            #expect(lookup.status == 404, "\(lookup.text)")
        }
    }
}
