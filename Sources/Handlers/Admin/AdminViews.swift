import Foundation
import Hummingbird
import Mustache
import PartnerAPIContract
import Store

/// The panel's templates (`Resources/admin/templates`), parsed once at start-up. Mustache
/// escapes every `{{value}}`; the only unescaped output is SVG the server draws from numbers.
struct AdminViews: Sendable {
    let library: MustacheLibrary

    init() throws {
        guard let folder = Bundle.module.url(forResource: "templates", withExtension: nil, subdirectory: "admin") else {
            throw MissingResource(name: "admin/templates")
        }
        var library = MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
    }

    /// A full page: `template` inside the layout, with the navigation for `session`.
    func page(
        _ template: String, title: String, session: AdminSession?, section: String = "", status: HTTPResponse.Status = .ok,
        _ values: [String: Any] = [:]
    ) -> Response {
        // Optionals become present or absent, so `{{#next}}` sections behave.
        var context: [String: Any] = [:]
        for (key, value) in values {
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let wrapped = mirror.children.first?.value { context[key] = wrapped }
            } else {
                context[key] = value
            }
        }
        context["title"] = title
        context["section_\(section)"] = true
        if let session {
            context["session"] =
                [
                    "email": session.account.email, "role": session.account.role.rawValue, "csrf": session.csrfToken,
                    "can_edit": session.account.role >= .admin, "is_owner": session.account.role == .owner,
                ] as [String: Any]
        }
        let html = library.render(context, withTemplate: template) ?? "template \(template) is missing"
        return Self.html(html, status: status)
    }

    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}
