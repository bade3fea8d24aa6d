import CremaTestSupport
import Domain
import Foundation
import Logging
import Store
import Testing

/// The campaigns page: an owner starts a happy hour, previews a sale, pauses and ends it, and
/// downloads the results.
@Suite struct CampaignAdminTests {
    @Test func anOwnerStartsPreviewsPausesAndEndsACampaign() async throws {
        try await TestApp.with { app, client in
            let owner = try await AdminPagesTests.signedIn(app, client, role: .owner)
            let refused = try await owner.post("/admin/campaigns", ["name": "Счастливые часы", "multiplier": "1"])
            #expect(refused.status == 422)
            #expect(refused.contains("The multiplier is 1.01 to 10, e.g. 2 or 1.5."))
            let halfWindow = try await owner.post("/admin/campaigns", ["name": "Счастливые часы", "multiplier": "2", "from": "14:00"])
            #expect(halfWindow.status == 422 && halfWindow.contains("Give both the start and end time, or neither."))

            let created = try await owner.post(
                "/admin/campaigns",
                [
                    "name": "Happy hours", "multiplier": "2", "weekday_1": "on", "weekday_2": "on", "from": "14:00", "to": "17:00",
                    "tier_silver": "on",
                ])
            #expect(created.status == 303)
            let page = try await owner.get("/admin/campaigns")
            #expect(page.contains("Happy hours") && page.contains("×2 · Mon, Tue · 14:00–17:00 · Silver") && page.contains("running"))

            // An all-day campaign for the preview, whatever the time the test runs at.
            _ = try await owner.post("/admin/campaigns", ["name": "Double days", "multiplier": "2"])
            let preview = try await owner.get("/admin/campaigns?amount=450&tier=silver")
            #expect(preview.contains("A 450 ₽ sale by a Silver guest now: +18 points, of which +9 from Double days."))

            let fixture = try await LoyaltyFixture.over(app.database)
            let id = try await fixture.count("SELECT id::int FROM campaigns WHERE name = 'Double days'")

            // Editing saves a new version; the preview follows it.
            let edit = try await owner.get("/admin/campaigns/\(id)/edit")
            #expect(edit.status == 200 && edit.contains(#"value="Double days""#) && edit.contains(#"name="multiplier" value="2""#))
            let badEdit = try await owner.post("/admin/campaigns/\(id)/revise", ["name": "Double days", "multiplier": "11"])
            #expect(badEdit.status == 422 && badEdit.contains("The multiplier is 1.01 to 10"))
            #expect(try await owner.post("/admin/campaigns/\(id)/revise", ["name": "Triple days", "multiplier": "3"]).status == 303)
            #expect(try await owner.get("/admin/campaigns").contains("version 2"))
            #expect(
                try await owner.get("/admin/campaigns?amount=450&tier=silver").contains(
                    "A 450 ₽ sale by a Silver guest now: +27 points, of which +18 from Triple days."))
            #expect(try await fixture.count("SELECT count(*)::int FROM campaign_versions WHERE campaign_id = \(id)") == 2)
            #expect(try await owner.post("/admin/campaigns/\(id)/pause").status == 303)
            #expect(try await owner.get("/admin/campaigns?amount=450&tier=silver").contains("+9 points."))
            #expect(try await owner.post("/admin/campaigns/\(id)/end").status == 303)
            #expect(try await fixture.count("SELECT count(*)::int FROM campaigns WHERE status = 'ended'") == 1)
            #expect(try await owner.post("/admin/campaigns/\(id)/resume").status == 303)
            #expect(try await fixture.count("SELECT count(*)::int FROM campaigns WHERE status = 'ended'") == 1)

            let csv = try await owner.get("/admin/campaigns.csv")
            #expect(csv.status == 200)
            #expect(
                csv.html.hasPrefix(
                    "id,name,kind,version,status,rule,sales,points_granted,cost_rubles,revenue_rubles,new_guests,gifts_issued\n"))
            #expect(csv.html.contains("\(id),Triple days,multiplier,2,ended,×3,0,0,0,0.00,0,0\n"))

            let noGift = try await owner.post(
                "/admin/campaigns/welcome", ["welcome_name": "Start", "welcome_kind": "points", "welcome_points": "0"])
            #expect(noGift.status == 422 && noGift.contains("Points are 1 to 10,000."))
            #expect(
                try await owner.post(
                    "/admin/campaigns/welcome", ["welcome_name": "Start", "welcome_kind": "points", "welcome_points": "150"]
                )
                .status == 303)
            #expect(try await owner.get("/admin/campaigns").contains("on registering: +150 points"))
            _ = try await fixture.guest(777_777_777)
            #expect(try await fixture.count("SELECT points_balance FROM customers WHERE telegram_id = 777777777") == 150)

            // Bring a friend: each side's points, the smallest first sale and the monthly cap.
            let noPoints = try await owner.post(
                "/admin/campaigns/referral",
                ["referral_name": "Friends", "referral_referrer_points": "0", "referral_friend_points": "0", "referral_cap": "5"])
            #expect(noPoints.status == 422 && noPoints.contains("Each side gets 0 to 10,000 points, and at least one side more than 0."))
            let badMinimum = try await owner.post(
                "/admin/campaigns/referral",
                [
                    "referral_name": "Friends", "referral_referrer_points": "100", "referral_friend_points": "50",
                    "referral_minimum": "три сотни", "referral_cap": "5",
                ])
            #expect(badMinimum.status == 422 && badMinimum.contains("The smallest sale is in roubles"))
            #expect(badMinimum.contains("три сотни"), "what was typed stays in the form")
            #expect(
                try await owner.post(
                    "/admin/campaigns/referral",
                    [
                        "referral_name": "Friends", "referral_referrer_points": "100", "referral_friend_points": "50",
                        "referral_minimum": "300", "referral_cap": "5",
                    ]
                )
                .status == 303)
            #expect(
                try await owner.get("/admin/campaigns").contains(
                    "bring a friend: +100 points to the referrer, +50 to the friend · a purchase from 300 ₽ · up to 5 a month"))
            #expect(
                try await owner.get("/admin/campaigns.csv").html.contains(
                    ",Friends,referral,1,active,\"100 points to the referrer, 50 to the friend\",0,0,0,0.00,0,0\n"))

            let viewer = try await AdminPagesTests.signedIn(app, client, role: .viewer)
            #expect(try await viewer.get("/admin/campaigns").status == 403)
        }
    }

    /// Welcome bonuses, visit cards and bring-a-friend are edited as multipliers are: the form
    /// filled with the campaign as it stands, a mistake refused with what was typed kept, and a
    /// save as a new version.
    @Test func everyKindOfCampaignIsEditedAsANewVersion() async throws {
        try await TestApp.with { app, client in
            let owner = try await AdminPagesTests.signedIn(app, client, role: .owner)
            let campaigns = CampaignStore(database: app.database, logger: Logger(label: "test"))
            let referral = try await campaigns.create(
                name: "Friends",
                rule: .referral(
                    ReferralReward(
                        referrerPoints: 100, friendPoints: 50, minimumKopecks: 29_990, monthlyCap: 5,
                        dates: CampaignDates(endsOn: CalendarDate(year: 2027, month: 1, day: 31)))),
                createdBy: "admin:owner", at: TestDefaults.now)
            let welcome = try await campaigns.create(
                name: "Start", rule: .welcome(WelcomeBonus(points: 100)), createdBy: "admin:owner", at: TestDefaults.now)

            let page = try await owner.get("/admin/campaigns/\(referral)/edit")
            #expect(page.status == 200)
            #expect(page.contains(#"name="referral_minimum" value="299,90""#) && page.contains(#"name="referral_cap" value="5""#))
            #expect(page.contains(#"name="referral_ends_on" value="2027-01-31""#))
            #expect(page.contains("Save as a new version") && !page.contains(#"name="welcome_name""#))

            let refused = try await owner.post(
                "/admin/campaigns/\(referral)/revise",
                ["referral_name": "Friends", "referral_referrer_points": "100", "referral_friend_points": "50", "referral_cap": "500"])
            #expect(refused.status == 422 && refused.contains("Rewards a month per referrer: 1 to 100."))
            #expect(refused.contains(#"name="referral_cap" value="500""#))
            #expect(
                try await owner.post(
                    "/admin/campaigns/\(referral)/revise",
                    ["referral_name": "Friends+", "referral_referrer_points": "150", "referral_friend_points": "50", "referral_cap": "5"]
                ).status == 303)
            #expect(
                try await owner.post(
                    "/admin/campaigns/\(welcome)/revise", ["welcome_name": "Start", "welcome_kind": "points", "welcome_points": "200"]
                ).status == 303)
            let listed = try await campaigns.list()
            #expect(listed.first { $0.id == referral }?.version == 2 && listed.first { $0.id == referral }?.name == "Friends+")
            #expect(listed.first { $0.id == welcome }?.rule == .welcome(WelcomeBonus(points: 200)))
            #expect(try await owner.get("/admin/campaigns").contains("on registering: +200 points"))
        }
    }
}
