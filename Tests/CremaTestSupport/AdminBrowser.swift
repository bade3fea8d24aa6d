import Domain
import Foundation
import HTTPTypes
import Handlers
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store

/// Someone using the admin panel through the app's real routes: keeps the cookies the server
/// sets and sends the page's CSRF token with each form, as a browser would.
public actor AdminBrowser {
    public struct Page: Sendable {
        public let status: Int
        public let html: String
        public let headers: HTTPFields

        public var location: String? { headers[.location] }
        /// The CSRF token of the page's first form.
        public var csrf: String? { AdminBrowser.firstMatch(#"name="_csrf" value="([^"]+)""#, in: html) }
        public func contains(_ text: String) -> Bool { html.contains(text) }
    }

    let client: any TestClientProtocol
    public private(set) var cookies: [String: String] = [:]
    /// The session's CSRF token, from the last page that had one.
    public private(set) var csrf: String?

    public init(client: any TestClientProtocol) {
        self.client = client
    }

    /// Creates an account with a fast bcrypt cost (the check reads the cost from the hash).
    @discardableResult
    /// An admin account; most tests read the panel in English, the Russian tests say `.ru`.
    public static func createAccount(
        in database: Database, email: String, password: String = "correct horse battery", role: AdminRole, language: Language = .en
    ) async throws -> Int64 {
        let hash = try await PasswordHasher(cost: 4).hash(password)
        let accounts = AdminAccounts(database: database, logger: Logger(label: "crema.test.admin"))
        let id = try await accounts.createOrReset(email: email, passwordHash: hash, role: role, at: TestDefaults.now).id
        try await accounts.setLanguage(language, adminID: id)
        return id
    }

    /// Opens the login page and signs in; returns the answer to the login POST.
    @discardableResult
    /// The sign-in form is read in `language` (its errors too); the account's own language holds
    /// once signed in.
    public func signIn(email: String, password: String = "correct horse battery", language: Language = .en) async throws -> Page {
        let form = try await get("/admin/login?lang=\(language.rawValue)")
        let answer = try await post(
            "/admin/login",
            ["email": email, "password": password, "_csrf": form.csrf ?? "", "next": "/admin", "lang": language.rawValue], csrf: false)
        // Follow the redirect, as a browser does, which also picks up the session's CSRF token.
        if answer.status == 303, let location = answer.location { _ = try await get(location) }
        return answer
    }

    public func get(_ path: String) async throws -> Page {
        try await send(.get, path, body: nil)
    }

    /// Posts a form; `csrf` adds the session's token as `_csrf` (unless the fields set one).
    public func post(_ path: String, _ fields: [String: String] = [:], csrf: Bool = true) async throws -> Page {
        var fields = fields
        if csrf, fields["_csrf"] == nil { fields["_csrf"] = self.csrf ?? "" }
        let body = fields.sorted { $0.key < $1.key }.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(.post, path, body: body)
    }

    public func forgetCookies() {
        cookies = [:]
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, body: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty {
            headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for cookie in response.headers[values: .setCookie] {
            let pair = cookie.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || cookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        let page = Page(status: Int(response.status.code), html: String(buffer: response.body), headers: response.headers)
        if let token = page.csrf, !path.hasPrefix("/admin/login") { csrf = token }
        return page
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    public static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}
