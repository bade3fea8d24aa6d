import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addDashboardRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(use: gate.page(.viewer) { request, admin in
            let days = min(90, max(7, request.uri.queryParameters.get("days").flatMap { Int($0) } ?? 30))
            let format = try await format()
            let now = dependencies.clock.now
            let start = now.addingTimeInterval(-Double(days) * 86_400)
            let analytics = AnalyticsStore(database: dependencies.database, logger: dependencies.logger)
            let summary = try await analytics.summary(from: start, to: now)
            let daily = try await analytics.daily(from: start, to: now, timeZone: format.timeZone.identifier)
            let labels = daily.map { String($0.day.dropFirst(5)) }

            let tiers = Tier.allCases.map { tier in
                (label: tier.rawValue.capitalized, value: summary.tierDistribution[tier] ?? 0, cssClass: "tier-\(tier.rawValue)")
            }
            let kpis: [[String: Any]] = [
                ["label": "Orders", "value": String(summary.orders)],
                ["label": "Revenue", "value": format.money(summary.revenue.kopecks)],
                ["label": "Average check", "value": format.money(summary.averageCheck.kopecks)],
                ["label": "New guests", "value": String(summary.newCustomers)],
                ["label": "Active guests", "value": String(summary.activeCustomers)],
                ["label": "Points issued", "value": String(summary.pointsIssued)],
                ["label": "Points redeemed", "value": String(summary.pointsRedeemed)],
                ["label": "Points outstanding", "value": String(summary.pointsLiability)],
                ["label": "Average review", "value": summary.averageRating.map { String(format: "%.1f / 10", $0) } ?? "—"],
            ]
            return views.page("dashboard", title: "Dashboard", session: admin.session, section: "dashboard", [
                "days": days, "kpis": kpis,
                "is7": days == 7, "is30": days == 30, "is90": days == 90,
                "orders_chart": AdminCharts.daily(
                    labels: labels, series: [.init(name: "Orders per day", cssClass: "bar", values: daily.map { Double($0.orders) })],
                    asBars: true, valueLabel: { String(Int($0)) }
                ),
                "revenue_chart": AdminCharts.daily(
                    labels: labels, series: [.init(name: "Revenue per day", cssClass: "bar alt", values: daily.map { Double($0.revenueKopecks) })],
                    asBars: true, valueLabel: { format.money(Int64($0)) }
                ),
                "customers_chart": AdminCharts.daily(
                    labels: labels, series: [.init(name: "New guests per day", cssClass: "bar", values: daily.map { Double($0.newCustomers) })],
                    asBars: true, valueLabel: { String(Int($0)) }
                ),
                "points_chart": AdminCharts.daily(
                    labels: labels, series: [
                        .init(name: "Points issued", cssClass: "line issued", values: daily.map { Double($0.pointsIssued) }),
                        .init(name: "Points redeemed", cssClass: "line redeemed", values: daily.map { Double($0.pointsRedeemed) }),
                    ],
                    asBars: false, valueLabel: { String(Int($0)) }
                ),
                "tiers_chart": AdminCharts.horizontal(tiers),
            ])
        })
    }
}
