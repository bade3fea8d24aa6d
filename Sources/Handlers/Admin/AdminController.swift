import Foundation
import Hummingbird
import Logging
import Runtime
import Store

/// `/admin`: the owners' panel, server-rendered. Every page goes through `AdminGate` (session,
/// role, CSRF) and every change writes the audit log.
struct AdminController: Sendable {
    let configuration: AppConfiguration
    let dependencies: AppDependencies
    let views: AdminViews
    let gate: AdminGate
    let sessions: AdminSessions
    let accounts: AdminAccounts
    let hasher: PasswordHasher

    /// Lists show this many rows a page.
    static let pageSize = 50

    init(configuration: AppConfiguration, dependencies: AppDependencies, hasher: PasswordHasher = PasswordHasher()) throws {
        self.configuration = configuration
        self.dependencies = dependencies
        self.views = try AdminViews()
        self.sessions = AdminSessions(database: dependencies.database, logger: dependencies.logger)
        self.accounts = AdminAccounts(database: dependencies.database, logger: dependencies.logger)
        self.hasher = hasher
        self.gate = AdminGate(
            sessions: sessions, views: views, clock: dependencies.clock,
            secureCookies: configuration.publicBaseURL?.scheme == "https"
        )
    }

    var customers: AdminCustomers { AdminCustomers(database: dependencies.database, logger: dependencies.logger) }
    var lists: AdminLists { AdminLists(database: dependencies.database, logger: dependencies.logger) }
    var operations: AdminOperations { AdminOperations(database: dependencies.database, logger: dependencies.logger) }

    func addRoutes(to router: Router<AppRequestContext>) throws {
        let admin = router.group("admin").add(middleware: AdminSecurityHeaders())
        try BundledFiles(
            folder: "admin", path: "admin/static", index: "",
            files: [("admin.css", "text/css; charset=utf-8"), ("admin.js", "text/javascript; charset=utf-8")],
            headers: [.cacheControl: "public, max-age=3600"]
        ).addRoutes(to: router)

        addAuthRoutes(to: admin)
        addDashboardRoutes(to: admin)
        addCustomerRoutes(to: admin)
        addCustomerCardRoutes(to: admin)
        addOrderRoutes(to: admin)
        addGiftRoutes(to: admin)
        addFeedbackRoutes(to: admin)
        addBroadcastRoutes(to: admin)
        addCampaignRoutes(to: admin)
        addStaffRoutes(to: admin)
        addLocationRoutes(to: admin)
        addSettingsRoutes(to: admin)
        addAPIKeyRoutes(to: admin)
        addWebhookRoutes(to: admin)
        addAuditRoutes(to: admin)
    }

    /// Money, points and times as the café reads them.
    func format() async throws -> AdminFormat {
        AdminFormat(timeZoneIdentifier: try await dependencies.store.pool.settings().timeZone)
    }

    /// A short confirmation after a redirect, chosen from fixed texts by `?done=`.
    static func notice(_ request: Request, _ texts: AdminTexts) -> String? {
        guard let done = request.uri.queryParameters.get("done"), let notice = notices[done] else { return nil }
        return texts(ru: notice.ru, en: notice.en)
    }

    static let notices: [String: (ru: String, en: String)] = [
        "points": ("Баллы изменены.", "Points adjusted."), "gift": ("Подарок выдан.", "Gift issued."),
        "blocked": ("Гость заблокирован.", "Guest blocked."), "unblocked": ("Гость разблокирован.", "Guest unblocked."),
        "anonymised": (
            "Личные данные удалены; заказы и история баллов сохранены.", "Personal data erased; orders and points history kept."
        ),
        "cancelled": ("Заказ отменён; гость получит уведомление.", "Order cancelled; the guest is told."),
        "refunded": ("Возврат оформлен; гость получит уведомление.", "Refund made; the guest is told."),
        "status": ("Статус сохранён.", "Status saved."), "replied": ("Ответ отправлен гостю.", "Reply queued to the guest."),
        "catalog": ("Каталог сохранён.", "Catalogue saved."), "staff": ("Сотрудник сохранён.", "Staff member saved."),
        "settings": ("Настройки сохранены.", "Settings saved."), "revoked": ("API-ключ отозван.", "API key revoked."),
        "broadcast": ("Рассылка поставлена в очередь.", "Broadcast queued."), "location": ("Кофейни сохранены.", "Locations saved."),
        "campaign_created": ("Акция запущена.", "Campaign started."),
        "campaign_revised": (
            "Сохранена новая версия акции: продажи с этого момента идут по ней, прошлые заказы сохраняют свою.",
            "New version saved: sales from now on use it, orders already made keep theirs."
        ),
        "campaign_paused": ("Акция на паузе: продажи идут без неё.", "Campaign paused: sales go on without it."),
        "campaign_active": ("Акция снова идёт.", "Campaign running again."),
        "campaign_ended": ("Акция завершена; её продажи остаются в истории.", "Campaign ended; its sales stay in the history."),
        "webhook_on": ("Вебхук включён: ожидающие события уйдут по порядку.", "Webhook on: waiting events go out in order."),
        "webhook_off": ("Вебхук выключен: события копятся до включения.", "Webhook off: events wait until it is on again."),
        "webhook_test": ("Тестовое событие поставлено в очередь.", "Test event queued."),
        "webhook_resent": ("Доставка поставлена в очередь снова.", "Delivery queued again."),
        "language": ("Язык панели: русский.", "The panel is in English now."), "nothing": ("Ничего не изменилось.", "Nothing changed."),
    ]

    /// The keyset cursor of a list page.
    static func before(_ request: Request) -> Int64? {
        request.uri.queryParameters.get("before").flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Query string for the next page: the current filters plus `before`.
    static func nextPage(_ request: Request, lastID: Int64?, count: Int) -> String? {
        guard count == pageSize, let lastID else { return nil }
        var items = request.uri.queryParameters.compactMap { key, value -> String? in
            let name = String(key)
            guard name != "before", name != "done" else { return nil }
            return "\(name)=\(String(value).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        items.append("before=\(lastID)")
        return request.uri.path + "?" + items.joined(separator: "&")
    }
}
