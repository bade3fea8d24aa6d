import Foundation
import Hummingbird
import PartnerAPIContract
import Runtime

/// Both Mini Apps: the guest's loyalty card (client bot) at `/miniapp/card` and the barista's
/// till (staff bot) at `/miniapp/till`, with their JSON APIs under `/miniapp/api/`. Each app's
/// calls are validated with its own bot's token.
public struct MiniAppController {
    static let telegramScript = "https://telegram.org/js/telegram-web-app.js"
    static let pages = ["card", "till"]

    let configuration: AppConfiguration
    let dependencies: AppDependencies
    let nonce: @Sendable () -> String

    func addRoutes(to router: Router<AppRequestContext>) throws {
        let telegram = configuration.telegram
        GuestCardController(
            miniApp: MiniAppRequest(botToken: telegram.clientBotToken, clock: dependencies.clock), store: dependencies.store,
            clock: dependencies.clock
        ).addRoutes(to: router)
        TillAppController(
            miniApp: MiniAppRequest(botToken: telegram.staffBotToken, clock: dependencies.clock), store: dependencies.store,
            clock: dependencies.clock, nonce: nonce
        ).addRoutes(to: router)

        for page in Self.pages {
            let html = try Self.page(page)
            router.get(RouterPath("miniapp/\(page)")) { _, _ in Self.html(html) }
        }
        try BundledFiles(
            folder: "miniapp", path: "miniapp", index: "",
            files: [
                ("miniapp.css", "text/css"), ("card.js", "text/javascript"), ("till.js", "text/javascript"),
                ("common.js", "text/javascript"),
            ],
            headers: [.cacheControl: "no-cache"]
        ).addRoutes(to: router)
    }

    /// The public HTTPS address of an app, or nil when the server has none (Telegram opens
    /// Mini Apps over HTTPS only).
    public static func url(of page: String, configuration: AppConfiguration) -> String? {
        guard let base = configuration.publicBaseURL, base.scheme == "https" else { return nil }
        return base.appendingPathComponent("miniapp").appendingPathComponent(page).absoluteString
    }

    /// A page's HTML as shipped; it loads Telegram's script, which the dev playground swaps for
    /// its stand-in.
    static func page(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "\(name).html", withExtension: nil, subdirectory: "miniapp") else {
            throw MissingResource(name: "miniapp/\(name).html")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func html(_ text: String, scriptSource: String = telegramScript) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
                // Telegram's web clients show Mini Apps in a frame.
                .contentSecurityPolicy:
                    "default-src 'self'; script-src 'self' \(scriptSource.hasPrefix("https:") ? "https://telegram.org" : ""); "
                    + "img-src 'self' data:; frame-ancestors 'self' https://web.telegram.org https://*.telegram.org",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text.replacingOccurrences(of: telegramScript, with: scriptSource))))
    }
}
