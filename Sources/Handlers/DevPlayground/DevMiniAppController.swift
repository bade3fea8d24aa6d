import Foundation
import Hummingbird
import Runtime

/// Both Mini Apps in the dev playground, offline: each page loads a stand-in for Telegram's
/// `telegram-web-app.js` whose init data this server signs with the dev bot's token, so the
/// apps' API calls are checked exactly as in Telegram. The stand-in's QR scanner reads the QR the
/// guest card beside it shows (or, in a test, `window.cremaScanResult`).
struct DevMiniAppController {
    let telegram: AppConfiguration.TelegramConfiguration
    let clock: AppClock

    func addRoutes(to router: Router<AppRequestContext>) throws {
        for page in MiniAppController.pages {
            let html = try MiniAppController.page(page)
            router.get(RouterPath("dev/miniapp/\(page)")) { request, _ in
                let query = request.uri.queryParameters
                let parameters = [
                    "bot": page == "card" ? "client" : "staff", "user": query["user"].map(String.init) ?? "",
                    "first_name": query["first_name"].map(String.init) ?? "", "lang": query["lang"].map(String.init) ?? "ru",
                ]
                return MiniAppController.html(html, scriptSource: "/dev/miniapp/telegram-web-app.js?" + Self.query(parameters))
            }
        }
        router.get("dev/miniapp/telegram-web-app.js") { request, _ in
            try standIn(request)
        }
    }

    private func standIn(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        guard let id = query["user"].flatMap({ Int64(String($0)) }) else {
            throw Problem(status: .badRequest, code: "invalid_query", title: "Bad query", detail: "user=<telegram id> is needed.")
        }
        let token = query["bot"] == "staff" ? telegram.staffBotToken : telegram.clientBotToken
        let user: [String: Any] = [
            "id": id, "first_name": query["first_name"].map(String.init) ?? "Guest",
            "language_code": query["lang"].map(String.init) ?? "ru",
        ]
        let userJSON = String(decoding: try JSONSerialization.data(withJSONObject: user, options: [.sortedKeys]), as: UTF8.self)
        let initData = WebAppInitData.signed(
            ["user": userJSON, "auth_date": String(Int(clock.now.timeIntervalSince1970)), "query_id": "dev-playground"], botToken: token)
        let literals = try JSONSerialization.data(withJSONObject: ["initData": initData, "user": user], options: [.sortedKeys])
        let script = "window.cremaStandIn = \(String(decoding: literals, as: UTF8.self));\n" + Self.standInScript
        return Response(
            status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: script)))
    }

    private static func query(_ parameters: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery ?? ""
    }

    /// The parts of `Telegram.WebApp` the apps use, behaving as the documentation says.
    private static let standInScript = """
        (() => {
          const handlers = {};
          const fire = (name, data) => (handlers[name] || []).forEach((handler) => handler(data));
          const versionAtLeast = (version) => {
            const [a, b] = version.split(".").map(Number);
            return a < 8 || (a === 8 && b <= 0);
          };
          function qrBeside() {
            if (window.cremaScanResult) return window.cremaScanResult;
            for (let index = 0; window.parent && index < window.parent.frames.length; index++) {
              try {
                const qr = window.parent.frames[index].document.querySelector("[data-qr]");
                if (qr && qr.dataset.qr) return qr.dataset.qr;
              } catch (error) { /* another origin */ }
            }
            return window.prompt("QR text (stand-in scanner)") || "";
          }
          window.Telegram = { WebApp: {
            initData: window.cremaStandIn.initData,
            initDataUnsafe: { user: window.cremaStandIn.user },
            version: "8.0", platform: "playground", colorScheme: "light", themeParams: {},
            isVersionAtLeast: versionAtLeast,
            ready() {}, expand() {},
            onEvent(name, handler) { (handlers[name] = handlers[name] || []).push(handler); },
            offEvent(name, handler) { handlers[name] = (handlers[name] || []).filter((h) => h !== handler); },
            showScanQrPopup(params, callback) {
              setTimeout(() => {
                const data = qrBeside();
                window.cremaScanned = (window.cremaScanned || 0) + 1;
                fire("qrTextReceived", { data });
                if (callback) callback(data);
              }, 50);
            },
            closeScanQrPopup() {},
            showConfirm(message, callback) { callback(window.cremaConfirmAnswer !== undefined ? window.cremaConfirmAnswer : window.confirm(message)); },
            showAlert(message, callback) { window.alert(message); if (callback) callback(); },
            HapticFeedback: { notificationOccurred() {}, impactOccurred() {}, selectionChanged() {} },
          } };
        })();
        """
}
