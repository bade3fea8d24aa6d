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

        // The welcome bonus, visit card and bring-a-friend forms, each with its own errors.
        for kind in ["welcome", "visits", "referral"] {
            admin.post(
                "campaigns/\(kind)",
                use: gate.page(.admin) { request, admin in
                    switch try await readCampaign(kind: kind, from: admin.form) {
                    case .failure(let problem):
                        return try await campaignsPage(request, admin, formErrors: [kind: Self.campaignProblem(problem, admin.texts)])
                    case .success(let (name, rule)):
                        _ = try await campaigns.create(
                            name: name, rule: rule, createdBy: "admin:\(admin.session.account.id)", requestID: admin.requestID,
                            at: dependencies.clock.now)
                        return AdminGate.redirect(to: "/admin/campaigns?done=campaign_created")
                    }
                })
        }

        admin.get(
            "campaigns/:id/edit",
            use: gate.page(.admin) { request, admin in try await campaignEditPage(try Self.campaignID(request), admin) })

        admin.post(
            "campaigns/:id/revise",
            use: gate.page(.admin) { request, admin in
                let id = try Self.campaignID(request)
                guard let record = try await campaigns.list().first(where: { $0.id == id }) else { throw HTTPError(.notFound) }
                switch try await readCampaign(kind: record.rule.kindName, from: admin.form) {
                case .failure(let problem):
                    return try await campaignEditPage(id, admin, typed: admin.form, error: Self.campaignProblem(problem, admin.texts))
                case .success(let (name, rule)):
                    let revised = try await campaigns.revise(
                        id, name: name, rule: rule, by: "admin:\(admin.session.account.id)", at: dependencies.clock.now)
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
        _ request: Request, _ admin: AdminRequest, error: String? = nil, formErrors: [String: String] = [:]
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
                    "editable": record.status != .ended,
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
        for (kind, formError) in formErrors { values["\(kind)_error"] = formError }
        values.merge(Self.otherFormValues(admin.form, catalog: catalog, texts: texts)) { _, form in form }
        values["welcome_action"] = "/admin/campaigns/welcome"
        values["visits_action"] = "/admin/campaigns/visits"
        values["referral_action"] = "/admin/campaigns/referral"
        values["notice"] = Self.notice(request, texts)
        values["preview"] = try await campaignPreview(request, texts: texts, format: format)
        values["preview_amount"] = request.uri.queryParameters.get("amount") ?? "450"
        values["preview_tiers"] = Tier.allCases.map { tier in
            ["value": tier.rawValue, "label": texts.tier(tier), "selected": request.uri.queryParameters.get("tier") == tier.rawValue]
                as [String: Any]
        }
        return views.page(
            "campaigns", title: "Campaigns", session: admin.session, section: "campaigns",
            status: error == nil && formErrors.isEmpty ? .ok : .unprocessableContent, values)
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

    /// The edit page of a campaign, of any kind: its current rule as its form's fields.
    func campaignEditPage(_ id: Int64, _ admin: AdminRequest, typed: FormFields? = nil, error: String? = nil) async throws -> Response {
        guard let record = try await campaigns.list().first(where: { $0.id == id }), record.status != .ended else {
            throw HTTPError(.notFound)
        }
        let action = "/admin/campaigns/\(id)/revise"
        var values: [String: Any] = ["editing": true]
        switch record.rule {
        case .multiplier(let rule):
            let allLocations = try await locations.all().filter { !$0.archived }
            values.merge(
                Self.multiplierFormValues(
                    typed ?? CampaignForm.fields(name: record.name, rule), texts: admin.texts, locations: allLocations)
            ) { _, form in form }
            (values["is_multiplier"], values["form_action"], values["error"]) = (true, action, error)
        case .welcome, .visits, .referral:
            let catalog = try await dependencies.store.pool.loyalty.giftCatalog()
            let form = typed ?? CampaignForm.fields(name: record.name, record.rule)
            values.merge(Self.otherFormValues(form, catalog: catalog, texts: admin.texts)) { _, form in form }
            let kind = record.rule.kindName
            (values["is_\(kind)"], values["\(kind)_action"], values["\(kind)_error"]) = (true, action, error)
        }
        return views.page(
            "campaign", title: "Edit campaign", session: admin.session, section: "campaigns",
            status: error == nil ? .ok : .unprocessableContent,
            values)
    }

    /// The welcome, visits and bring-a-friend forms' fields, filled from `form` (what was typed, or
    /// the campaign edited), with the defaults a new campaign starts from.
    static func otherFormValues(_ form: FormFields, catalog: [GiftCatalogItem], texts: AdminTexts) -> [String: Any] {
        var values: [String: Any] = [
            "form_welcome_name": form["welcome_name"] ?? "", "form_welcome_points": form["welcome_points"] ?? "100",
            "form_welcome_gift": form["welcome_kind"] == "gift",
            "form_visits_name": form["visits_name"] ?? "", "form_visits_every": form["visits_every"] ?? "6",
            "form_visits_minimum": form["visits_minimum"] ?? "", "form_visits_hours": form["visits_hours"] ?? "4",
            "form_referral_name": form["referral_name"] ?? "",
            "form_referral_referrer_points": form["referral_referrer_points"] ?? "100",
            "form_referral_friend_points": form["referral_friend_points"] ?? "50",
            "form_referral_minimum": form["referral_minimum"] ?? "300", "form_referral_cap": form["referral_cap"] ?? "10",
            "gift_options": catalog.filter(\.active).map { item in
                ["value": item.id, "label": item.name[texts.language], "selected": form["gift"] == String(item.id)] as [String: Any]
            },
        ]
        for prefix in ["welcome_", "visits_", "referral_"] {
            values["form_\(prefix)starts_on"] = form["\(prefix)starts_on"] ?? ""
            values["form_\(prefix)ends_on"] = form["\(prefix)ends_on"] ?? ""
        }
        return values
    }

    /// A campaign of `kind` ("multiplier", "welcome", "visits", "referral") as its form was filled in.
    func readCampaign(kind: String, from form: FormFields) async throws -> Result<(String, CampaignRule), CampaignProblem> {
        switch kind {
        case "welcome":
            let catalog = try await dependencies.store.pool.loyalty.giftCatalog().filter(\.active).map(\.id)
            return CampaignForm.readWelcome(form, catalogIDs: catalog).map { ($0.0, .welcome($0.1)) }
        case "visits":
            let catalog = try await dependencies.store.pool.loyalty.giftCatalog().filter(\.active).map(\.id)
            return CampaignForm.readVisits(form, catalogIDs: catalog).map { ($0.0, .visits($0.1)) }
        case "referral":
            return CampaignForm.readReferral(form).map { ($0.0, .referral($0.1)) }
        default:
            return CampaignForm.read(form, locationIDs: try await locations.all().map(\.id)).map { ($0.0, .multiplier($0.1)) }
        }
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
            return texts(ru: "Наград в месяц на пригласившего — от 1 до 100.", en: "Rewards a month per referrer: 1 to 100.")
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
