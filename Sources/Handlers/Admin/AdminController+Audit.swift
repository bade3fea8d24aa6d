import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addAuditRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "audit",
            use: gate.page(.admin) { request, admin in
                let format = try await format()
                let rows = try await lists.audit(before: Self.before(request), limit: Self.pageSize)
                return views.page(
                    "audit", title: "Audit log", session: admin.session, section: "audit",
                    [
                        "entries": rows.map { entry in
                            [
                                "id": entry.id, "when": format.dateTime(entry.occurredAt), "actor": entry.actor, "action": entry.action,
                                "subject": entry.subject, "before": entry.before ?? "", "after": entry.after ?? "",
                            ] as [String: Any]
                        },
                        "empty": rows.isEmpty,
                        "next": Self.nextPage(request, lastID: rows.last?.id, count: rows.count),
                    ])
            })
    }
}
