import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    /// The oldest snapshot the dashboard shows; the background job refreshes every 5 minutes.
    static let dashboardMaxAge: TimeInterval = 10 * 60

    func addDashboardRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            use: gate.page(.viewer) { request, admin in
                let days = min(90, max(7, request.uri.queryParameters.get("days").flatMap { Int($0) } ?? 30))
                let format = try await format()
                let allLocations = try await locations.all()
                // An admin of one location sees that location's figures only.
                let chosen =
                    admin.location.flatMap { own in allLocations.first { $0.id == own } }
                    ?? request.uri.queryParameters.get("location").flatMap { slug in allLocations.first { $0.slug == slug } }
                let figures: DashboardFigures
                let computedAt: Date
                let snapshots = DashboardSnapshots(database: dependencies.database, logger: dependencies.logger)
                if let chosen {
                    figures = try await snapshots.figures(
                        days: days, timeZone: format.timeZone.identifier, location: chosen.id, at: dependencies.clock.now)
                    computedAt = dependencies.clock.now
                } else {
                    // Live sums take seconds at ten million orders: the background job keeps a
                    // snapshot per period, and a page older than that computes (and stores) a new one.
                    (figures, computedAt) = try await snapshots.figures(
                        days: days, timeZone: format.timeZone.identifier, at: dependencies.clock.now, maxAge: Self.dashboardMaxAge)
                }
                let daily = figures.daily
                let labels = daily.map { String($0.day.dropFirst(5)) }

                let texts = admin.texts
                let tiers = Tier.allCases.map { tier in
                    (label: texts.tier(tier), value: figures.tiers[tier.rawValue] ?? 0, cssClass: "tier-\(tier.rawValue)")
                }
                let kpis: [[String: Any]] = [
                    ["label": texts(ru: "Заказы", en: "Orders"), "value": String(figures.orders)],
                    ["label": texts(ru: "Выручка", en: "Revenue"), "value": format.money(figures.revenueKopecks)],
                    ["label": texts(ru: "Средний чек", en: "Average check"), "value": format.money(figures.averageCheckKopecks)],
                    ["label": texts(ru: "Новые гости", en: "New guests"), "value": String(figures.newCustomers)],
                    ["label": texts(ru: "Покупали", en: "Active guests"), "value": String(figures.activeCustomers)],
                    ["label": texts(ru: "Начислено баллов", en: "Points issued"), "value": String(figures.pointsIssued)],
                    ["label": texts(ru: "Списано баллов", en: "Points redeemed"), "value": String(figures.pointsRedeemed)],
                    ["label": texts(ru: "Баллы на счетах", en: "Points outstanding"), "value": String(figures.pointsLiability)],
                    [
                        "label": texts(ru: "Средняя оценка", en: "Average review"),
                        "value": figures.averageRating.map { String(format: "%.1f / 10", $0) } ?? "—",
                    ],
                    ["label": texts(ru: "Повторные визиты", en: "Repeat visits"), "value": Self.percent(figures.repeatVisitRate)],
                    [
                        "label": texts(ru: "Подарки: выдано / списано / сгорело", en: "Gifts given / redeemed / expired"),
                        "value": "\(figures.giftsGiven) / \(figures.giftsRedeemed) / \(figures.giftsExpired)",
                    ],
                    [
                        "label": texts(ru: "Доставка рассылок", en: "Broadcast delivery"),
                        "value": figures.broadcastRecipients == 0
                            ? "—"
                            : texts(
                                ru:
                                    "\(Self.percent(Double(figures.broadcastDelivered) / Double(figures.broadcastRecipients))) из \(figures.broadcastRecipients)",
                                en:
                                    "\(Self.percent(Double(figures.broadcastDelivered) / Double(figures.broadcastRecipients))) of \(figures.broadcastRecipients)"
                            ),
                    ],
                ]
                let liability = try await PointsLiability(database: dependencies.database, logger: dependencies.logger).byExpiryMonth()
                let liabilityRows = liability.map { month in
                    (label: month.month ?? texts(ru: "бессрочно", en: "never"), value: month.points, cssClass: "bar")
                }
                // An endpoint switched off after a day of failures waits for the owner: say so first.
                let switchedOff =
                    admin.session.account.role >= .owner
                    ? try await webhooks.list().filter(\.switchedOffAfterFailures).map { endpoint -> [String: Any] in
                        ["id": endpoint.id, "url": endpoint.url]
                    } : []
                let locationQuery = chosen.map { "&location=\($0.slug)" } ?? ""
                let locationFilters: [[String: Any]] =
                    [["href": "/admin?days=\(days)", "label": texts(ru: "Вся сеть", en: "All locations"), "current": chosen == nil]]
                    + allLocations.filter { !$0.archived || $0.id == chosen?.id }.map { location in
                        [
                            "href": "/admin?days=\(days)&location=\(location.slug)", "label": location.name,
                            "current": location.id == chosen?.id,
                        ]
                    }
                return views.page(
                    "dashboard", title: "Dashboard", session: admin.session, section: "dashboard",
                    [
                        "switched_off_webhooks": switchedOff,
                        "days": days, "kpis": kpis, "as_of": format.dateTime(computedAt),
                        "location_query": locationQuery, "location_filters": locationFilters,
                        "has_locations": allLocations.count > 1 && admin.location == nil, "location_name": chosen?.name as Any,
                        "is7": days == 7, "is30": days == 30, "is90": days == 90,
                        "orders_chart": AdminCharts.daily(
                            labels: labels,
                            series: [
                                .init(
                                    name: texts(ru: "Заказы по дням", en: "Orders per day"), cssClass: "bar",
                                    values: daily.map { Double($0.orders) })
                            ],
                            asBars: true, valueLabel: { String(Int($0)) }
                        ),
                        "revenue_chart": AdminCharts.daily(
                            labels: labels,
                            series: [
                                .init(
                                    name: texts(ru: "Выручка по дням", en: "Revenue per day"), cssClass: "bar alt",
                                    values: daily.map { Double($0.revenueKopecks) })
                            ],
                            asBars: true, valueLabel: { format.money(Int64($0)) }
                        ),
                        "customers_chart": AdminCharts.daily(
                            labels: labels,
                            series: [
                                .init(
                                    name: texts(ru: "Новые гости по дням", en: "New guests per day"), cssClass: "bar",
                                    values: daily.map { Double($0.newCustomers) })
                            ],
                            asBars: true, valueLabel: { String(Int($0)) }
                        ),
                        "points_chart": AdminCharts.daily(
                            labels: labels,
                            series: [
                                .init(
                                    name: texts(ru: "Начислено баллов", en: "Points issued"), cssClass: "line issued",
                                    values: daily.map { Double($0.pointsIssued) }),
                                .init(
                                    name: texts(ru: "Списано баллов", en: "Points redeemed"), cssClass: "line redeemed",
                                    values: daily.map { Double($0.pointsRedeemed) }),
                            ],
                            asBars: false, valueLabel: { String(Int($0)) }
                        ),
                        "tiers_chart": AdminCharts.horizontal(tiers),
                        "liability_chart": AdminCharts.horizontal(liabilityRows),
                        "has_liability": !liabilityRows.isEmpty,
                    ])
            })
    }

    /// A share as a whole percentage, or a dash when there is nothing to share.
    static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "—" }
        return "\(Int((share * 100).rounded()))%"
    }
}
