import CremaTestSupport
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Store
import Testing
import _ConnectionPoolModule

@testable import Handlers

/// What reaches the partner when something below the API fails: a database that went away is
/// 503 "retry", our own bug is 500, and only the generated decoding's refusals are 400.
@Suite struct APIProblemMappingTests {
    let request = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/api/v1/orders")

    func answer(to error: any Error) async throws -> (status: Int, code: String?, retryAfter: String?) {
        let (response, body) = try await APIProblemMiddleware().intercept(
            request, body: nil, metadata: ServerRequestMetadata(), operationID: "createOrder"
        ) { _, _, _ in throw error }
        let bytes = try await Data(collecting: try #require(body), upTo: 1 << 16)
        let json = try JSONSerialization.jsonObject(with: bytes) as? [String: Any]
        return (response.status.code, json?["code"] as? String, response.headerFields[.retryAfter])
    }

    func wrapped(_ error: any Error, cause: String) -> ServerError {
        ServerError(
            operationID: "createOrder", request: request, requestBody: nil, requestMetadata: ServerRequestMetadata(),
            causeDescription: cause, underlyingError: error)
    }

    @Test func aPoolThatCannotConnectIsServiceUnavailable() async throws {
        let failure = wrapped(
            ConnectionPoolError.connectionCreationCircuitBreakerTripped, cause: "Middleware of type 'APIKeyMiddleware' threw an error.")
        let answer = try await answer(to: failure)
        #expect(answer.status == 503)
        #expect(answer.code == "database_unavailable")
        #expect(answer.retryAfter == "1")
    }

    @Test func aServerShuttingDownMidStatementIsServiceUnavailable() async throws {
        let shutdown = try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                do {
                    try await database.withConnection(logger: Logger(label: "test")) { connection in
                        _ = try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: Logger(label: "test"))
                            .collect()
                    }
                    return nil as (any Error)?
                } catch {
                    return error
                }
            }
        }
        let answer = try await answer(to: wrapped(try #require(shutdown), cause: "User handler threw an error."))
        #expect(answer.status == 503)
        #expect(answer.code == "database_unavailable")
    }

    @Test func aValuePostgresRefusesIsABadRequest() async throws {
        let refused = try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                do {
                    try await database.withConnection(logger: Logger(label: "test")) { connection in
                        _ = try await connection.query("SELECT \("tea\u{0}cake")::text", logger: Logger(label: "test")).collect()
                    }
                    return nil as (any Error)?
                } catch {
                    return error
                }
            }
        }
        let answer = try await answer(to: wrapped(try #require(refused), cause: "User handler threw an error."))
        #expect(answer.status == 400)
        #expect(answer.code == "invalid_request")
    }

    @Test func ourOwnFailureIsAnInternalErrorNotABadRequest() async throws {
        struct Unexpected: Error {}
        let answer = try await answer(to: wrapped(Unexpected(), cause: "User handler threw an error."))
        #expect(answer.status == 500)
        #expect(answer.code == "internal_error")
    }

    @Test func whatTheGeneratedCodeRefusesIsABadRequest() async throws {
        struct Malformed: Error {}
        let answer = try await answer(to: wrapped(Malformed(), cause: "Missing required query parameter named: before"))
        #expect(answer.status == 400)
        #expect(answer.code == "invalid_request")
    }
}
