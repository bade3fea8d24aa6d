import Foundation
import Hummingbird
import Runtime
import Store

/// A request from a signed-in admin who passed the role check (and, for a POST, the CSRF check).
struct AdminRequest: Sendable {
    let session: AdminSession
    let sessionID: String
    /// The posted form; empty for a GET.
    let form: FormFields
    let requestID: String
    let clientAddress: String?

    var actor: Actor { .admin(id: String(session.account.id), locationID: session.account.locationID) }
    /// The location this admin manages alone; nil for the whole chain.
    var location: Int64? { session.account.locationID }
    /// The panel's words in this admin's language.
    var texts: AdminTexts { AdminTexts(language: session.account.language) }
}

/// Signs admins in and out with a cookie and guards every page by role and CSRF token.
struct AdminGate: Sendable {
    static let sessionCookie = "crema_admin"
    static let loginCSRFCookie = "crema_admin_login"

    let sessions: AdminSessions
    let views: AdminViews
    let clock: AppClock
    /// Cookies get `Secure` when the panel is served over HTTPS (PUBLIC_BASE_URL is https).
    let secureCookies: Bool

    /// Wraps a page handler: no session → the login page; too low a role → 403; a POST whose
    /// `_csrf` field does not match the session's token → 403 and nothing changes.
    func page(
        _ role: AdminRole,
        _ handler: @escaping @Sendable (Request, AdminRequest) async throws -> Response
    ) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            guard let sessionID = request.cookies[Self.sessionCookie]?.value, sessionID.count <= 100,
                let session = try await sessions.resume(id: sessionID, at: clock.now)
            else {
                if request.method == .get {
                    let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                    return Self.redirect(
                        to: "/admin/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                }
                return views.page(
                    "message", title: "Signed out", session: nil, status: .unauthorized,
                    [
                        "heading": "Сеанс завершён · Your session has ended",
                        "text": "Войдите снова; ничего не изменилось. · Sign in again; nothing was changed.", "link": "/admin/login",
                    ])
            }
            let texts = AdminTexts(language: session.account.language)
            guard session.account.role >= role else {
                return views.page(
                    "message", title: "Not allowed", session: session, status: .forbidden,
                    [
                        "heading": texts(ru: "Нет доступа", en: "Not allowed"),
                        "text": texts(
                            ru: "Вашей роли («\(texts.role(session.account.role.rawValue))») это недоступно.",
                            en: "Your role (\(session.account.role.rawValue)) cannot do this."),
                        "link": "/admin",
                    ])
            }
            var form = FormFields(values: [:])
            if request.method == .post {
                form = try await FormFields.read(request)
                guard ConstantTime.equals(form["_csrf"] ?? "", session.csrfToken) else {
                    return views.page(
                        "message", title: "Form expired", session: session, status: .forbidden,
                        [
                            "heading": texts(ru: "Форма устарела", en: "This form has expired"),
                            "text": texts(
                                ru: "Обновите страницу и попробуйте снова; ничего не изменилось.",
                                en: "Reload the page and try again; nothing was changed."),
                            "link": "/admin",
                        ])
                }
            }
            return try await handler(
                request,
                AdminRequest(
                    session: session, sessionID: sessionID, form: form, requestID: context.requestID, clientAddress: context.clientAddress
                ))
        }
    }

    func sessionCookie(_ id: String) -> Cookie {
        Cookie(name: Self.sessionCookie, value: id, path: "/admin", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    func clearedSessionCookie() -> Cookie {
        Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/admin", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    func loginCSRFCookie(_ token: String) -> Cookie {
        Cookie(
            name: Self.loginCSRFCookie, value: token, maxAge: 3600, path: "/admin/login", secure: secureCookies, httpOnly: true,
            sameSite: .strict)
    }

    /// 303 after a POST, so a reload does not post again.
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
