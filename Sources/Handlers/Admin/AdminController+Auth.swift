import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addAuthRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get("login") { request, _ in
            let token = dependencies.random.urlSafeToken(byteCount: 24)
            let texts = AdminTexts(language: Self.loginLanguage(request.uri.queryParameters.get("lang")))
            var response = loginPage(
                next: request.uri.queryParameters.get("next") ?? "/admin", csrf: token, email: "", error: nil, texts: texts)
            response.setCookie(gate.loginCSRFCookie(token))
            return response
        }

        admin.post("login") { request, context in
            let form = try await FormFields.read(request)
            let next = Self.safeNext(form["next"])
            let email = (form.text("email") ?? "").lowercased()
            let texts = AdminTexts(language: Self.loginLanguage(form["lang"]))
            guard let cookie = request.cookies[AdminGate.loginCSRFCookie]?.value,
                ConstantTime.equals(form["_csrf"] ?? "", cookie), !cookie.isEmpty
            else {
                return retryLogin(
                    next: next, email: email, status: .forbidden,
                    error: texts(ru: "Форма входа устарела. Попробуйте ещё раз.", en: "The sign-in form expired. Please try again."),
                    texts: texts)
            }
            guard !email.isEmpty, let password = form["password"], !password.isEmpty else {
                return retryLogin(
                    next: next, email: email, status: .unprocessableContent,
                    error: texts(ru: "Введите эл. почту и пароль.", en: "Enter your email and password."), texts: texts)
            }
            switch try await signIn(
                email: email, password: password, userAgent: request.headers[.userAgent], clientAddress: context.clientAddress)
            {
            case .signedIn(let sessionID):
                var response = AdminGate.redirect(to: next)
                response.setCookie(gate.sessionCookie(sessionID))
                return response
            case .wrongCredentials:
                return retryLogin(
                    next: next, email: email, status: .unauthorized,
                    error: texts(ru: "Неверная эл. почта или пароль.", en: "The email or password is wrong."), texts: texts)
            case .throttled(let seconds):
                var response = retryLogin(
                    next: next, email: email, status: .tooManyRequests,
                    error: texts(
                        ru: "Слишком много попыток. Попробуйте снова через \(RussianPlural.minutesAccusative(max(1, seconds / 60))).",
                        en: "Too many attempts. Try again in \(max(1, seconds / 60)) min."),
                    texts: texts
                )
                response.headers[.retryAfter] = String(seconds)
                return response
            }
        }

        admin.post(
            "language",
            use: gate.page(.viewer) { request, admin in
                let language = Language(rawValue: admin.form["language"] ?? "") ?? .ru
                try await accounts.setLanguage(language, adminID: admin.session.account.id)
                let back = Self.safeNext(
                    request.headers[.referer].flatMap { URL(string: $0) }.map { url in
                        url.path + (url.query.map { "?" + $0 } ?? "")
                    })
                return AdminGate.redirect(to: back)
            })

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
        // The attempt is counted before bcrypt runs: a burst of parallel guesses gets only as
        // many tries as the limit allows, never "as many as arrive while the first is checked".
        if let wait = try await limiter.take(limits, at: now) {
            return .throttled(seconds: Int(wait))
        }
        let found = try await accounts.credentials(email: email)
        let matches = try await hasher.verify(password, hash: found?.passwordHash ?? PasswordHasher.decoy)
        guard let account = found?.account, matches, account.active else {
            // The typed "email" may be a password typed in the wrong field: never log it.
            dependencies.logger.notice("admin sign-in refused", metadata: ["client_ip": "\(clientAddress ?? "unknown")"])
            return .wrongCredentials
        }
        try await limiter.giveBack(limits, at: now)
        let sessionID = dependencies.random.urlSafeToken(byteCount: 32)
        let csrf = dependencies.random.urlSafeToken(byteCount: 24)
        try await sessions.start(id: sessionID, csrfToken: csrf, adminID: account.id, userAgent: userAgent, at: now)
        dependencies.logger.info("admin signed in", metadata: ["admin_id": "\(account.id)", "client_ip": "\(clientAddress ?? "unknown")"])
        return .signedIn(sessionID: sessionID)
    }

    func loginPage(
        next: String, csrf: String, email: String, error: String?, texts: AdminTexts, status: HTTPResponse.Status = .ok
    ) -> Response {
        var values: [String: Any] = [
            "next": Self.safeNext(next), "csrf": csrf, "email": email, "in_russian": texts.language == .ru,
        ]
        values["error"] = error
        return views.page("login", title: "Sign in", session: nil, language: texts.language, status: status, values)
    }

    /// The sign-in page is Russian unless English is asked for; after signing in, the account's
    /// own choice holds.
    static func loginLanguage(_ value: String?) -> Language {
        value == "en" ? .en : .ru
    }

    /// The form again with a fresh login token.
    func retryLogin(next: String, email: String, status: HTTPResponse.Status, error: String, texts: AdminTexts) -> Response {
        let token = dependencies.random.urlSafeToken(byteCount: 24)
        var response = loginPage(next: next, csrf: token, email: email, error: error, texts: texts, status: status)
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
