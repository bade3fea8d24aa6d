import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addCustomerRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "customers",
            use: gate.page(.viewer) { request, admin in
                let search = Self.customerSearch(request)
                let format = try await format()
                let rows = try await customers.list(search, before: Self.before(request), limit: Self.pageSize)
                return views.page(
                    "customers", title: "Customers", session: admin.session, section: "customers",
                    [
                        "q": search.text,
                        "tiers": Tier.allCases.map {
                            ["value": $0.rawValue, "label": admin.texts.tier($0), "selected": $0 == search.tier]
                        },
                        "customers": rows.map { Self.customerRow($0, format: format, texts: admin.texts) },
                        "empty": rows.isEmpty,
                        "next": Self.nextPage(request, lastID: rows.last?.id, count: rows.count) as Any,
                        "export": "/admin/customers.csv?" + (request.uri.query ?? ""),
                    ])
            })

        // Streamed page by page: a million rows never sit in memory.
        admin.get(
            "customers.csv",
            use: gate.page(.admin) { request, admin in
                let search = Self.customerSearch(request)
                let lister = customers
                let logger = dependencies.logger
                let header =
                    admin.texts(
                        ru: "номер,telegram_id,телефон,имя,уровень,баллы,зарегистрирован,заблокирован,обезличен",
                        en: "id,telegram_id,phone,name,tier,points,created_at,blocked,anonymised") + "\n"
                try await operations.recordExport(
                    search: search.text, tier: search.tier?.rawValue, by: admin.actor, requestID: admin.requestID,
                    at: dependencies.clock.now)
                let body = ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: header))
                    do {
                        try await lister.export(search) { page in
                            var chunk = ""
                            for row in page {
                                chunk +=
                                    [
                                        String(row.id), row.telegramID.map(String.init) ?? "", row.phone ?? "", Self.csvField(row.name),
                                        row.tier.rawValue, String(row.balance), ISO8601DateFormatter().string(from: row.createdAt),
                                        String(row.isBlocked), String(row.isAnonymised),
                                    ].joined(separator: ",") + "\n"
                            }
                            try await writer.write(ByteBuffer(string: chunk))
                        }
                    } catch {
                        logger.error("customers export broke off", metadata: ["error": "\(LoggedError.describe(error))"])
                        throw error
                    }
                    try await writer.finish(nil)
                }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"customers.csv\"",
                    ], body: body)
            })
    }

    static func customerSearch(_ request: Request) -> CustomerSearch {
        let query = request.uri.queryParameters
        return CustomerSearch(text: String((query.get("q") ?? "").prefix(100)), tier: query.get("tier").flatMap(Tier.init(rawValue:)))
    }

    static func customerRow(_ row: CustomerListRow, format: AdminFormat, texts: AdminTexts) -> [String: Any] {
        [
            "id": row.id, "name": row.name, "phone": row.phone ?? "—", "telegram_id": row.telegramID.map(String.init) ?? "—",
            "tier": row.tier.rawValue, "tier_name": texts.tier(row.tier), "balance": row.balance, "created": format.date(row.createdAt),
            "blocked": row.isBlocked, "anonymised": row.isAnonymised,
        ]
    }

    /// A CSV field, quoted when needed; a leading = + - @ is neutralised so a spreadsheet never
    /// runs a guest's name as a formula.
    static func csvField(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
