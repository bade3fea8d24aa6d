import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The admin panel of a running `crema serve`, over real sockets: signs in as a browser would
/// (login token cookie, session cookie, the page's CSRF token) and sends forms and queries.
public actor ServedPanel {
    public let base: String
    private var cookies: [String: String] = [:]
    private var csrf = ""

    public init(base: String) {
        self.base = base
    }

    /// Like `HTTPClient.shared`, but a redirect is an answer to read (its cookies too), not to follow.
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    public struct Answer: Sendable {
        public let status: Int
        public let body: String
    }

    public func signIn(email: String, password: String) async throws {
        let form = try await get("/admin/login?lang=en")
        guard let token = Self.csrfToken(in: form.body) else { throw TestHarnessError("no sign-in token on the login page") }
        let answer = try await send(
            .POST, "/admin/login", form: ["email": email, "password": password, "_csrf": token, "next": "/admin", "lang": "en"],
            withCSRF: false)
        guard answer.status == 303 else {
            let error = answer.body.range(of: "role=\"alert\">").map { String(answer.body[$0.upperBound...].prefix(120)) } ?? ""
            throw TestHarnessError("sign-in answered \(answer.status): \(error)")
        }
        let page = try await get("/admin/customers")
        guard let session = Self.csrfToken(in: page.body) else { throw TestHarnessError("no CSRF token after signing in") }
        csrf = session
    }

    public func get(_ path: String) async throws -> Answer {
        try await send(.GET, path, form: nil, withCSRF: false)
    }

    /// A form POST carrying the session's CSRF token.
    public func post(_ path: String, _ fields: [String: String]) async throws -> Answer {
        try await send(.POST, path, form: fields, withCSRF: true)
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [String: String]?, withCSRF: Bool) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if var form {
            if withCSRF { form["_csrf"] = csrf }
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let body = form.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(20))
        for header in response.headers["Set-Cookie"] {
            let pair = header.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { cookies[parts[0]] = parts[1] }
        }
        let body = try await response.body.collect(upTo: 8 << 20)
        return Answer(status: Int(response.status.code), body: String(buffer: body))
    }

    static func csrfToken(in html: String) -> String? {
        guard let start = html.range(of: #"name="_csrf" value=""#) else { return nil }
        let rest = html[start.upperBound...]
        return rest.range(of: "\"").map { String(rest[..<$0.lowerBound]) }
    }

    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
