import Domain
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

    /// A full page: `template` inside the layout, with the navigation for `session`, in the
    /// session's language (or `language` when nobody is signed in). `title` is English and is
    /// translated like every `{{#t}}` text.
    func page(
        _ template: String, title: String, session: AdminSession?, language: Language = .ru, section: String = "",
        status: HTTPResponse.Status = .ok, _ values: [String: Any] = [:]
    ) -> Response {
        let texts = AdminTexts(language: session?.account.language ?? language)
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
        context["title"] = texts(title)
        context["t"] = texts.lambda
        context["lang"] = texts.language.rawValue
        context["section_\(section)"] = true
        if let session {
            context["session"] =
                [
                    "email": session.account.email, "role": texts.role(session.account.role.rawValue), "csrf": session.csrfToken,
                    "can_edit": session.account.role >= .admin, "is_owner": session.account.role == .owner,
                    "in_russian": texts.language == .ru,
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
