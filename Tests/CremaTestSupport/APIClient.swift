import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store

/// A partner calling the API with one key, through the app's real routes.
public struct APIClient: Sendable {
    public let client: any TestClientProtocol
    public let key: String?

    public init(client: any TestClientProtocol, key: String?) {
        self.client = client
        self.key = key
    }

    /// Creates a key with `scopes` in `database` and returns it (the secret, shown once).
    public static func createKey(
        in database: Database, scopes: Set<String> = APIKeyStore.scopes, name: String = "POS test", prefix: String = "crema_test0001",
        location: String = "main", chainWide: Bool = false
    ) async throws -> String {
        let store = APIKeyStore(database: database, logger: Logger(label: "crema.test.api"))
        let created = try await store.create(
            name: name, scopes: scopes, locationSlug: location, chainWide: chainWide, prefix: prefix, secret: "s3cret-\(prefix)",
            createdBy: "test", at: TestDefaults.now
        )
        guard let created else { throw TestHarnessError("could not create an API key") }
        return created.key
    }

    public func get(_ path: String, headers: HTTPFields = [:]) async throws -> APIAnswer {
        try await send(.get, path, body: nil, headers: headers)
    }

    public func post(_ path: String, json: Any? = nil, idempotencyKey: String? = nil, headers: HTTPFields = [:]) async throws -> APIAnswer {
        var headers = headers
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }
        return try await send(.post, path, body: body, headers: headers)
    }

    public func send(_ method: HTTPRequest.Method, _ path: String, body: Data?, headers: HTTPFields = [:]) async throws -> APIAnswer {
        var headers = headers
        if let key, headers[.authorization] == nil { headers[.authorization] = "Bearer \(key)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        return APIAnswer(status: Int(response.status.code), headers: response.headers, body: Data(response.body.readableBytesView))
    }
}

public struct APIAnswer: Sendable {
    public let status: Int
    public let headers: HTTPFields
    public let body: Data

    public var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    public var code: String? { json["code"] as? String }
    public var text: String { String(decoding: body, as: UTF8.self) }
    public func int(_ key: String) -> Int? { (json[key] as? NSNumber)?.intValue }
}
