import AsyncHTTPClient
import Foundation
import NIOCore

/// Plain HTTP requests over real sockets, for tests of running processes.
public enum HTTPProbe {
    public static func status(of url: String, timeout: TimeAmount = .seconds(2)) async throws -> Int {
        let request = HTTPClientRequest(url: url)
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// POSTs a JSON body and returns status and body.
    public static func postJSON(
        _ url: String, body: Data, headers: [String: String] = [:], timeout: TimeAmount = .seconds(5)
    ) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Data(bytes.readableBytesView))
    }
}
