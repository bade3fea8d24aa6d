import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    var campaigns: CampaignStore { dependencies.store.campaigns }

    func addCampaignRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get("campaigns", use: gate.page(.admin) { request, admin in try await campaignsPage(request, admin) })

        admin.post(
            "campaigns",
            use: gate.page(.admin) { request, admin in
                let locationIDs = try await locations.all().map(\.id)
                switch CampaignForm.read(admin.form, locationIDs: locationIDs) {
                case .failure(let problem):
                    return try await campaignsPage(request, admin, error: Self.campaignProblem(problem, admin.texts))
                case .success(let (name, multiplier)):
                    _ = try await campaigns.create(
                        name: name, multiplier: multiplier, createdBy: "admin:\(admin.session.account.id)", requestID: admin.requestID,
                        at: dependencies.clock.now)
                    return AdminGate.redirect(to: "/admin/campaigns?done=campaign_created")
                }
            })

        admin.post(
            "campaigns/welcome",
            use: gate.page(.admin) { request, admin in
                let catalog = try await dependencies.store.pool.loyalty.giftCatalog().filter(\.active).map(\.id)
                switch CampaignForm.readWelcome(admin.form, catalogIDs: catalog) {
                case .failure(let problem):
                    return try await campaignsPage(request, admin, welcomeError: Self.campaignProblem(problem, admin.texts))
                case .success(let (name, bonus)):
                    _ = try await campaigns.create(
                        name: name, rule: .welcome(bonus), createdBy: "admin:\(admin.session.account.id)", requestID: admin.requestID,
                        at: dependencies.clock.now)
                    return AdminGate.redirect(to: "/admin/campaigns?done=campaign_created")
                }
            })

        admin.post(
            "campaigns/visits",
            use: gate.page(.admin) { request, admin in
                let catalog = try await dependencies.store.pool.loyalty.giftCatalog().filter(\.active).map(\.id)
                switch CampaignForm.readVisits(admin.form, catalogIDs: catalog) {
                case .failure(let problem):
                    return try await campaignsPage(request, admin, visitsError: Self.campaignProblem(problem, admin.texts))
                case .success(let (name, card)):
                    _ = try await campaigns.create(
                        name: name, rule: .visits(card), createdBy: "admin:\(admin.session.account.id)", requestID: admin.requestID,
                        at: dependencies.clock.now)
                    return AdminGate.redirect(to: "/admin/campaigns?done=campaign_created")
                }
            })

        admin.post(
            "campaigns/referral",
            use: gate.page(.admin) { request, admin in
                switch CampaignForm.readReferral(admin.form) {
                case .failure(let problem):
                    return try await campaignsPage(request, admin, referralError: Self.campaignProblem(problem, admin.texts))
                case .success(let (name, reward)):
                    _ = try await campaigns.create(
                        name: name, rule: .referral(reward), createdBy: "admin:\(admin.session.account.id)", requestID: admin.requestID,
                        at: dependencies.clock.now)
                    return AdminGate.redirect(to: "/admin/campaigns?done=campaign_created")
                }
            })

        admin.get(
            "campaigns/:id/edit",
            use: gate.page(.admin) { request, admin in try await campaignEditPage(try Self.campaignID(request), admin) })

        admin.post(
            "campaigns/:id/revise",
            use: gate.page(.admin) { request, admin in
                let id = try Self.campaignID(request)
                let locationIDs = try await locations.all().map(\.id)
                switch CampaignForm.read(admin.form, locationIDs: locationIDs) {
                case .failure(let problem):
                    return try await campaignEditPage(id, admin, typed: admin.form, error: Self.campaignProblem(problem, admin.texts))
                case .success(let (name, multiplier)):
                    let revised = try await campaigns.revise(
                        id, name: name, rule: .multiplier(multiplier), by: "admin:\(admin.session.account.id)", at: dependencies.clock.now)
                    return AdminGate.redirect(to: "/admin/campaigns?done=\(revised ? "campaign_revised" : "nothing")")
                }
            })

        for status in CampaignRecord.Status.allCases {
            let action = status == .active ? "resume" : status == .paused ? "pause" : "end"
            admin.post(
                "campaigns/:id/\(action)",
                use: gate.page(.admin) { request, admin in
                    let id = try Self.campaignID(request)
                    let changed = try await campaigns.setStatus(
                        id, status, by: "admin:\(admin.session.account.id)", at: dependencies.clock.now)
                    return AdminGate.redirect(to: "/admin/campaigns?done=\(changed ? "campaign_\(status.rawValue)" : "nothing")")
                })
        }

        admin.get(
            "campaigns.csv",
            use: gate.page(.admin) { _, _ in
                let rows = try await campaigns.list()
                var csv = "id,name,kind,version,status,rule,sales,points_granted,cost_rubles,revenue_rubles,new_guests,gifts_issued\n"
                for row in rows {
                    let kind: String
                    let rule: String
                    switch row.rule {
                    case .multiplier(let multiplier): (kind, rule) = ("multiplier", Self.multiplierText(multiplier.percent))
                    case .welcome(let bonus):
                        (kind, rule) = ("welcome", bonus.giftCatalogID.map { "gift \($0)" } ?? "\(bonus.points) points")
                    case .visits(let card): (kind, rule) = ("visits", "every \(card.every) visits: gift \(card.giftCatalogID)")
                    case .referral(let reward):
                        (kind, rule) = ("referral", "\(reward.referrerPoints) points to the referrer, \(reward.friendPoints) to the friend")
                    }
                    csv +=
                        [
                            String(row.id), Self.csvField(row.name), kind, String(row.version), row.status.rawValue, Self.csvField(rule),
                            String(row.sales), String(row.points), String(row.points),
                            String(format: "%.2f", Double(row.revenue.kopecks) / 100),
                            String(row.newGuests), String(row.giftsIssued),
                        ].joined(separator: ",") + "\n"
                }
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"campaigns.csv\""],
                    body: .init(byteBuffer: ByteBuffer(string: csv)))
            })
    }

    func campaignsPage(
        _ request: Request, _ admin: AdminRequest, error: String? = nil, welcomeError: String? = nil, visitsError: String? = nil,
        referralError: String? = nil
    ) async throws -> Response {
        let format = try await format()
        let texts = admin.texts
        let records = try await campaigns.list()
        let today = CalendarDate(dependencies.clock.now, in: try await dependencies.store.pool.settings().cafeTimeZone)
        let allLocations = try await locations.all().filter { !$0.archived }
        let names = Dictionary(uniqueKeysWithValues: allLocations.map { ($0.id, $0.name) })
        let catalog = try await dependencies.store.pool.loyalty.giftCatalog()
        let words = CampaignWords(
            texts: texts, locationNames: names,
            giftNames: Dictionary(uniqueKeysWithValues: catalog.map { ($0.id, $0.name[texts.language]) }))
        var values: [String: Any] = [
            "campaigns": records.map { record in
                [
                    "id": record.id, "name": record.name, "version": record.version, "rule": words.describe(record.rule),
                    "status": texts.campaignStatus(record.status, dates: record.rule.dates, today: today),
                    "active": record.status == .active,
                    "paused": record.status == .paused, "ended": record.status == .ended,
                    "editable": record.status != .ended && record.rule.isMultiplier,
                    "sales": record.sales, "points": record.points, "new_guests": record.newGuests,
                    "revenue": format.money(record.revenue.kopecks),
                    "created": format.date(record.createdAt),
                ] as [String: Any]
            },
            "empty": records.isEmpty,
        ]
        values.merge(Self.multiplierFormValues(admin.form, texts: texts, locations: allLocations)) { _, form in form }
        values["form_action"] = "/admin/campaigns"
        values["error"] = error
        values["welcome_error"] = welcomeError
        values["visits_error"] = visitsError
        values["form_visits_name"] = admin.form["visits_name"] ?? ""
        values["form_visits_every"] = admin.form["visits_every"] ?? "6"
        values["form_visits_minimum"] = admin.form["visits_minimum"] ?? ""
        values["form_visits_hours"] = admin.form["visits_hours"] ?? "4"
        values["gift_options"] = catalog.filter(\.active).map { item in
            ["value": item.id, "label": item.name[texts.language], "selected": admin.form["gift"] == String(item.id)] as [String: Any]
        }
        values["referral_error"] = referralError
        values["form_referral_name"] = admin.form["referral_name"] ?? ""
        values["form_referral_referrer_points"] = admin.form["referral_referrer_points"] ?? "100"
        values["form_referral_friend_points"] = admin.form["referral_friend_points"] ?? "50"
        values["form_referral_minimum"] = admin.form["referral_minimum"] ?? "300"
        values["form_referral_cap"] = admin.form["referral_cap"] ?? "10"
        for prefix in ["welcome_", "visits_", "referral_"] {
            values["form_\(prefix)starts_on"] = admin.form["\(prefix)starts_on"] ?? ""
            values["form_\(prefix)ends_on"] = admin.form["\(prefix)ends_on"] ?? ""
        }
        values["form_welcome_name"] = admin.form["welcome_name"] ?? ""
        values["form_welcome_points"] = admin.form["welcome_points"] ?? "100"
        values["form_welcome_gift"] = admin.form["welcome_kind"] == "gift"
        values["notice"] = Self.notice(request, texts)
        values["preview"] = try await campaignPreview(request, texts: texts, format: format)
        values["preview_amount"] = request.uri.queryParameters.get("amount") ?? "450"
        values["preview_tiers"] = Tier.allCases.map { tier in
            ["value": tier.rawValue, "label": texts.tier(tier), "selected": request.uri.queryParameters.get("tier") == tier.rawValue]
                as [String: Any]
        }
        return views.page(
            "campaigns", title: "Campaigns", session: admin.session, section: "campaigns",
            status: [error, welcomeError, visitsError, referralError].allSatisfy({ $0 == nil }) ? .ok : .unprocessableContent, values)
    }

    /// "A 450 ₽ sale by a Silver guest now: +18 points, of which +9 from Happy hours", with the
    /// campaigns running now, computed by the engine's own rules.
    func campaignPreview(_ request: Request, texts: AdminTexts, format: AdminFormat) async throws -> String? {
        let query = request.uri.queryParameters
        guard let typed = query.get("amount"), let amount = Money(parsing: typed), amount.kopecks > 0 else { return nil }
        let tier = query.get("tier").flatMap(Tier.init(rawValue:)) ?? .standard
        let settings = try await dependencies.store.pool.settings()
        let rules = settings.rules
        let account = LoyaltyAccount(balance: 0, debt: 0, tier: tier, qualificationSpend: rules.tierThresholds[tier] ?? .zero)
        let running = try await dependencies.store.pool.loyalty.runningCampaigns()
        let moment = SaleMoment(
            dependencies.clock.now, in: settings.cafeTimeZone, locationID: query.get("location").flatMap { Int64($0) })
        guard
            let quote = try? SaleQuote.compute(
                amount: amount, redeem: .none, account: account, rules: rules, campaigns: running, at: moment)
        else { return nil }
        return texts.campaignPreview(
            amount: "\(amount)", tier: texts.tier(tier), points: quote.pointsEarned, effects: quote.campaignEffects)
    }

    /// The multiplier form's fields, filled from `form` (what was typed, or the campaign edited).
    static func multiplierFormValues(_ form: FormFields, texts: AdminTexts, locations: [Location]) -> [String: Any] {
        [
            "weekdays": (1...7).map { day in
                ["value": day, "label": texts.weekday(day), "checked": form["weekday_\(day)"] == "on"] as [String: Any]
            },
            "tiers": Tier.allCases.map { tier in
                ["value": tier.rawValue, "label": texts.tier(tier), "checked": form["tier_\(tier.rawValue)"] == "on"] as [String: Any]
            },
            "locations": locations.map { location in
                ["value": location.id, "label": location.name, "checked": form["location_\(location.id)"] == "on"] as [String: Any]
            },
            "has_locations": locations.count > 1,
            "form_name": form["name"] ?? "", "form_multiplier": form["multiplier"] ?? "2",
            "form_from": form["from"] ?? "", "form_to": form["to"] ?? "",
            "form_starts_on": form["starts_on"] ?? "", "form_ends_on": form["ends_on"] ?? "",
            "form_even_when_redeeming": form["even_when_redeeming"] == "on",
        ]
    }

    /// The edit page of a multiplier campaign: its current rule as the form's fields.
    func campaignEditPage(_ id: Int64, _ admin: AdminRequest, typed: FormFields? = nil, error: String? = nil) async throws -> Response {
        guard let record = try await campaigns.list().first(where: { $0.id == id }), record.status != .ended,
            case .multiplier(let rule) = record.rule
        else { throw HTTPError(.notFound) }
        let allLocations = try await locations.all().filter { !$0.archived }
        var values = Self.multiplierFormValues(
            typed ?? CampaignForm.fields(name: record.name, rule), texts: admin.texts, locations: allLocations)
        values["form_action"] = "/admin/campaigns/\(id)/revise"
        values["editing"] = true
        values["error"] = error
        return views.page(
            "campaign", title: "Edit campaign", session: admin.session, section: "campaigns",
            status: error == nil ? .ok : .unprocessableContent,
            values)
    }

    static func multiplierText(_ percent: Int) -> String {
        percent % 100 == 0
            ? "×\(percent / 100)" : "×" + String(format: "%.2f", Double(percent) / 100).replacingOccurrences(of: ".00", with: "")
    }

    static func campaignID(_ request: Request) throws -> Int64 {
        let parts = request.uri.path.split(separator: "/")
        guard parts.count == 4, let id = Int64(parts[2]) else { throw HTTPError(.notFound) }
        return id
    }

    static func campaignProblem(_ problem: CampaignProblem, _ texts: AdminTexts) -> String {
        switch problem {
        case .emptyName: return texts(ru: "Назовите акцию.", en: "Name the campaign.")
        case .multiplierOutOfRange:
            return texts(ru: "Множитель — от 1,01 до 10, например 2 или 1,5.", en: "The multiplier is 1.01 to 10, e.g. 2 or 1.5.")
        case .badWeekday: return texts(ru: "Неизвестный день недели.", en: "Unknown weekday.")
        case .halfAWindow:
            return texts(
                ru: "Укажите и начало, и конец времени — или ни то ни другое.", en: "Give both the start and end time, or neither.")
        case .badTime: return texts(ru: "Время — в формате ЧЧ:ММ, например 14:00.", en: "Times are HH:MM, e.g. 14:00.")
        case .endsBeforeItStarts: return texts(ru: "Акция заканчивается раньше, чем начинается.", en: "The campaign ends before it starts.")
        case .welcomeNeedsPointsOrGift:
            return texts(ru: "Выберите баллы или подарок из каталога.", en: "Choose points or a gift from the catalogue.")
        case .visitsOutOfRange:
            return texts(ru: "Каждый N-й визит: N от 2 до 20.", en: "Every Nth visit: N is 2 to 20.")
        case .welcomePointsOutOfRange:
            return texts(ru: "Баллов — от 1 до 10 000.", en: "Points are 1 to 10,000.")
        case .referralPointsOutOfRange:
            return texts(
                ru: "Баллов каждой стороне — от 0 до 10 000, и хотя бы одной больше нуля.",
                en: "Each side gets 0 to 10,000 points, and at least one side more than 0.")
        case .referralCapOutOfRange:
            return texts(ru: "Наград в месяц на одного гостя — от 1 до 100.", en: "Rewards a month per guest: 1 to 100.")
        case .badMinimum:
            return texts(
                ru: "Минимальная сумма — в рублях, например 300 или 299,90.", en: "The smallest sale is in roubles, e.g. 300 or 299.90.")
        case .badDate:
            return texts(ru: "Даты — в формате ГГГГ-ММ-ДД, например 2026-12-31.", en: "Dates are YYYY-MM-DD, e.g. 2026-12-31.")
        case .badHours:
            return texts(ru: "Часов между визитами — от 0 до 168.", en: "Hours between visits: 0 to 168.")
        }
    }
}
