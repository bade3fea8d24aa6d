import CremaTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Runtime
import Store
import Testing

@Suite struct RuntimeEndpointTests {
    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    /// `/readyz`, asked again for a while until it is ready: the probe answers within its own 2-s
    /// deadline, and the parallel suite can keep PostgreSQL from answering it in time.
    static func readyz(_ client: any TestClientProtocol) async throws -> TestResponse {
        var response = try await client.execute(uri: "/readyz", method: .get)
        let deadline = ContinuousClock.now + .seconds(30)
        while response.status != .ok, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            response = try await client.execute(uri: "/readyz", method: .get)
        }
        return response
    }

    @Test func healthzAnswersWhileTheProcessLives() async throws {
        try await TestApp.with { _, client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(try json(response)["status"] as? String == "ok")
        }
    }

    @Test func readyzIsReadyWhenTheDatabaseIsCurrent() async throws {
        try await TestApp.with { _, client in
            let response = try await Self.readyz(client)
            #expect(response.status == .ok)
            #expect(try json(response)["status"] as? String == "ready")
            #expect(response.headers[.cacheControl] == "no-store")
        }
    }

    @Test func readinessNamesPendingMigrations() async throws {
        let migrations = try Migration.bundled()
        try await withTestDatabase(empty: true) { url in
            try await RunningDatabase.with(url: url) { database in
                let probe = ReadinessProbe(database: database, migrator: Migrator(migrations: migrations))
                let verdict = await probe.check(logger: Logger(label: "test"))
                #expect(verdict == .unavailable(reason: "migrations not applied: \(migrations.map(\.name).joined(separator: ", "))"))
            }
        }
    }

    @Test func serveWithMigrateBringsAnEmptyDatabaseToReady() async throws {
        try await withTestDatabase(empty: true) { url in
            let app = try TestApp(databaseURL: url)
            try await app.application(schemaPolicy: .migrate).test(.router) { client in
                let response = try await Self.readyz(client)
                #expect(response.status == .ok)
            }
        }
    }

    @Test func unknownRouteIsAProblemJSON404WithTheRequestID() async throws {
        try await TestApp.with { _, client in
            let response = try await client.execute(uri: "/no/such/page", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
            let body = try json(response)
            #expect(body["code"] as? String == "not_found")
            #expect(body["status"] as? Int == 404)
            #expect(body["title"] as? String == "Not found")
            #expect((body["detail"] as? String)?.contains("/no/such/page") == true)
            let requestID = try #require(response.headers[.requestID])
            #expect(body["request_id"] as? String == requestID)
        }
    }

    @Test func aWrongMethodIs405NamingTheMethodsThePathServes() async throws {
        try await TestApp.with { _, client in
            let response = try await client.execute(uri: "/healthz", method: .delete)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET")
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(problem?["code"] as? String == "method_not_allowed")
            let trace = try await client.execute(uri: "/api/v1/orders/12/cancel", method: .get)
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "POST")
            let customers = try await client.execute(uri: "/api/v1/customers", method: .put)
            #expect(customers.status == .methodNotAllowed && customers.headers[.allow] == "GET, POST")
            // A path nothing serves stays a 404.
            #expect(try await client.execute(uri: "/nowhere", method: .delete).status == .notFound)
        }
    }

    @Test func aWellFormedIncomingRequestIDIsKeptAndABadOneReplaced() async throws {
        try await TestApp.with { _, client in
            let kept = try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: "nginx-4f2a9c1b"])
            #expect(kept.headers[.requestID] == "nginx-4f2a9c1b")

            let replaced = try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: "bad id\nwith newline"])
            let id = try #require(replaced.headers[.requestID])
            #expect(id != "bad id\nwith newline")
            #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
        }
    }

    @Test func metricsCountRequestsByRoutePatternAndShowBuildAndPool() async throws {
        try await TestApp.with { _, client in
            _ = try await client.execute(uri: "/healthz", method: .get)
            // Under the whole suite's load the database may miss readiness's 2-s deadline: the
            // counter must count what was answered either way.
            let ready = try await client.execute(uri: "/readyz", method: .get).status.code
            _ = try await client.execute(uri: "/missing-page", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: response.body)
            #expect(text.contains(#"crema_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
            #expect(text.contains(#"crema_http_requests_total{route="/readyz",method="GET",status="\#(ready)"} 1"#))
            #expect(text.contains(#"route="NotFound",method="GET",status="404"} 1"#))
            #expect(text.contains("crema_http_request_duration_seconds_bucket{route=\"/healthz\""))
            #expect(text.contains(#"crema_build_info{version="\#(CremaVersion.current)""#))
            #expect(text.contains("crema_db_pool_max_connections 10"))
            if ready == 200 { #expect(text.contains("crema_db_pool_connections_in_use 0")) }
            #expect(text.contains("crema_db_pool_wait_seconds_count"))
        }
    }
}
