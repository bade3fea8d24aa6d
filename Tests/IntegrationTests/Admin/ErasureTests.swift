import CremaTestSupport
import Domain
import Foundation
import HummingbirdTesting
import Store
import Testing

/// Erasing a guest on request reaches what they wrote (#17, L8).
@Suite struct ErasureTests {
    @Test func anonymisingAGuestScrubsTheirWordsFromFeedbackAlertsAndTheAudit() async throws {
        try await TestApp.with { app, client in
            let loyalty = try await LoyaltyFixture.over(app.database)
            let maria = try await loyalty.guest(700_000_001, name: "Мария")
            let manager = try await loyalty.staff(.manager)
            _ = try await loyalty.count("UPDATE staff SET telegram_id = 555 WHERE id = \(Int64(manager.id)!) RETURNING 1")
            let feedback = app.dependencies.store.pool.feedback
            let noteID = try await feedback.submitNote(.message, customerID: maria.id, text: "Мой телефон +79001234567", at: app.clock.now)
            #expect(try await loyalty.count("SELECT count(*)::int FROM outbox WHERE bot = 'staff'") == 1)

            let browser = try await AdminPagesTests.signedIn(app, client, role: .admin)
            #expect(try await browser.post("/admin/feedback/\(noteID)/reply", ["text": "Мария, перезвоним на +79001234567"]).status == 303)
            #expect(
                try await browser.post("/admin/customers/\(maria.id)/anonymise", ["confirm": "ERASE", "reason": "request"]).status == 303)

            #expect(try await loyalty.count("SELECT count(*)::int FROM feedback WHERE body LIKE '%79001234567%'") == 0)
            #expect(try await loyalty.count("SELECT count(*)::int FROM outbox WHERE bot = 'staff'") == 0)
            #expect(try await loyalty.count("SELECT count(*)::int FROM audit_log WHERE after::text LIKE '%79001234567%'") == 0)
            #expect(
                try await loyalty.count(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'feedback.replied' AND after->>'reply' = '[erased]'") == 1)
            // Outside an erasure the audit log still refuses every change.
            await #expect(throws: (any Error).self) {
                try await loyalty.count("UPDATE audit_log SET after = '{}' RETURNING 1")
            }
        }
    }
}
