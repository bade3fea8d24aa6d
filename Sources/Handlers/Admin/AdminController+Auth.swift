import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addAuthRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get("login") { request, _ in
            let token = dependencies.random.urlSafeToken(byteCount: 24)
            var response = loginPage(next: request.uri.queryParameters.get("next") ?? "/admin", csrf: token, email: "", error: nil)
            response.setCookie(gate.loginCSRFCookie(token))
            return response
        }

        admin.post("login") { request, context in
            let form = try await FormFields.read(request)
            let next = Self.safeNext(form["next"])
            let email = (form.text("email") ?? "").lowercased()
            guard let cookie = request.cookies[AdminGate.loginCSRFCookie]?.value,
                ConstantTime.equals(form["_csrf"] ?? "", cookie), !cookie.isEmpty
            else {
                return retryLogin(next: next, email: email, status: .forbidden, error: "The sign-in form expired. Please try again.")
            }
            guard !email.isEmpty, let password = form["password"], !password.isEmpty else {
                return retryLogin(next: next, email: email, status: .unprocessableContent, error: "Enter your email and password.")
            }
            switch try await signIn(
                email: email, password: password, userAgent: request.headers[.userAgent], clientAddress: context.clientAddress)
            {
            case .signedIn(let sessionID):
                var response = AdminGate.redirect(to: next)
                response.setCookie(gate.sessionCookie(sessionID))
                return response
            case .wrongCredentials:
                return retryLogin(next: next, email: email, status: .unauthorized, error: "The email or password is wrong.")
            case .throttled(let seconds):
                var response = retryLogin(
                    next: next, email: email, status: .tooManyRequests,
                    error: "Too many attempts. Try again in \(max(1, seconds / 60)) min."
                )
                response.headers[.retryAfter] = String(seconds)
                return response
            }
        }

        admin.post(
            "logout",
            use: gate.page(.viewer) { _, admin in
                try await sessions.end(id: admin.sessionID)
                var response = AdminGate.redirect(to: "/admin/login")
                response.setCookie(gate.clearedSessionCookie())
                return response
            })

        admin.post(
            "logout-everywhere",
            use: gate.page(.viewer) { _, admin in
                _ = try await sessions.endAll(adminID: admin.session.account.id)
                var response = AdminGate.redirect(to: "/admin/login")
                response.setCookie(gate.clearedSessionCookie())
                return response
            })
    }

    enum SignInOutcome {
        case signedIn(sessionID: String)
        case wrongCredentials
        case throttled(seconds: Int)
    }

    /// Failed attempts count per account and per client address in the shared counters, so the
    /// limit holds across instances; a success starts a brand-new session id.
    func signIn(email: String, password: String, userAgent: String?, clientAddress: String?) async throws -> SignInOutcome {
        let now = dependencies.clock.now
        let stores = dependencies.store.pool
        let limiter = stores.rateLimits
        let perAccount = try await stores.settings().adminLoginAttemptsPer15Minutes
        let limits = [
            RateLimiter.Limit(key: "admin-login:account:\(email.prefix(254))", maximum: perAccount, window: 900),
            RateLimiter.Limit(key: "admin-login:address:\(clientAddress ?? "unknown")", maximum: perAccount * 4, window: 900),
        ]
        if let wait = try await limiter.retryAfter(limits, at: now) {
            return .throttled(seconds: Int(wait))
        }
        let found = try await accounts.credentials(email: email)
        let matches = try await hasher.verify(password, hash: found?.passwordHash ?? PasswordHasher.decoy)
        guard let account = found?.account, matches, account.active else {
            try await limiter.record(limits, at: now)
            dependencies.logger.notice(
                "admin sign-in refused", metadata: ["email": "\(email.prefix(254))", "client_ip": "\(clientAddress ?? "unknown")"])
            return .wrongCredentials
        }
        let sessionID = dependencies.random.urlSafeToken(byteCount: 32)
        let csrf = dependencies.random.urlSafeToken(byteCount: 24)
        try await sessions.start(id: sessionID, csrfToken: csrf, adminID: account.id, userAgent: userAgent, at: now)
        dependencies.logger.info("admin signed in", metadata: ["admin_id": "\(account.id)", "client_ip": "\(clientAddress ?? "unknown")"])
        return .signedIn(sessionID: sessionID)
    }

    func loginPage(next: String, csrf: String, email: String, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = ["next": Self.safeNext(next), "csrf": csrf, "email": email]
        values["error"] = error
        return views.page("login", title: "Sign in", session: nil, status: status, values)
    }

    /// The form again with a fresh login token.
    func retryLogin(next: String, email: String, status: HTTPResponse.Status, error: String) -> Response {
        let token = dependencies.random.urlSafeToken(byteCount: 24)
        var response = loginPage(next: next, csrf: token, email: email, error: error, status: status)
        response.setCookie(gate.loginCSRFCookie(token))
        return response
    }

    /// Only paths inside the panel: never another host ("//evil", "https://…").
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/admin"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://") else {
            return "/admin"
        }
        return next
    }
}
