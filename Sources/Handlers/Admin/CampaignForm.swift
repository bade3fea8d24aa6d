import Domain
import Store

/// A points-multiplier campaign as an owner fills it in: name, multiplier ("2", "1,5"), weekdays,
/// a local time window ("14:00"–"17:00"), dates, locations and tiers (none ticked: all).
enum CampaignForm {
    static func read(_ form: FormFields, locationIDs: [Int64]) -> Result<(String, PointsMultiplier), CampaignProblem> {
        guard let name = form.text("name").map({ String($0.prefix(100)) }) else { return .failure(.emptyName) }
        guard let percent = multiplierPercent(form.text("multiplier") ?? "") else { return .failure(.multiplierOutOfRange) }
        let from = form.text("from")
        let to = form.text("to")
        let fromMinute = from.flatMap(minuteOfDay)
        let toMinute = to.flatMap(minuteOfDay)
        if (from != nil && fromMinute == nil) || (to != nil && toMinute == nil) { return .failure(.badTime) }
        let dates: CampaignDates?
        switch Self.dates(form, prefix: "") {
        case .failure(let problem): return .failure(problem)
        case .success(let read): dates = read
        }
        let (startsOn, endsOn) = (dates?.startsOn, dates?.endsOn)
        let locations = Set(locationIDs.filter { form["location_\($0)"] == "on" })
        let tiers = Set(Tier.allCases.filter { form["tier_\($0.rawValue)"] == "on" })
        let multiplier = PointsMultiplier(
            percent: percent, weekdays: Set((1...7).filter { form["weekday_\($0)"] == "on" }), fromMinute: fromMinute,
            toMinute: toMinute, startsOn: startsOn, endsOn: endsOn, locationIDs: locations.isEmpty ? nil : locations,
            tiers: tiers.isEmpty ? nil : tiers, evenWhenRedeeming: form["even_when_redeeming"] == "on")
        if let problem = multiplier.problem { return .failure(problem) }
        return .success((name, multiplier))
    }

    /// A welcome bonus: a name, and points or a catalogue gift.
    static func readWelcome(_ form: FormFields, catalogIDs: [Int64]) -> Result<(String, WelcomeBonus), CampaignProblem> {
        let dates: CampaignDates?
        switch Self.dates(form, prefix: "welcome_") {
        case .failure(let problem): return .failure(problem)
        case .success(let read): dates = read
        }
        guard let name = form.text("welcome_name").map({ String($0.prefix(100)) }) else { return .failure(.emptyName) }
        let bonus: WelcomeBonus
        if form["welcome_kind"] == "gift" {
            guard let gift = form.text("gift").flatMap({ Int64($0) }), catalogIDs.contains(gift) else {
                return .failure(.welcomeNeedsPointsOrGift)
            }
            bonus = WelcomeBonus(giftCatalogID: gift, dates: dates)
        } else {
            guard let points = form.text("welcome_points").flatMap({ Int($0) }), WelcomeBonus.pointsRange.contains(points) else {
                return .failure(.welcomePointsOutOfRange)
            }
            bonus = WelcomeBonus(points: points, dates: dates)
        }
        if let problem = bonus.problem { return .failure(problem) }
        return .success((name, bonus))
    }

    /// Every Nth visit: a name, N, the smallest sale that counts, the hours between visits and
    /// the catalogue gift.
    static func readVisits(_ form: FormFields, catalogIDs: [Int64]) -> Result<(String, VisitCard), CampaignProblem> {
        guard let name = form.text("visits_name").map({ String($0.prefix(100)) }) else { return .failure(.emptyName) }
        guard let every = form.text("visits_every").flatMap({ Int($0) }) else { return .failure(.visitsOutOfRange) }
        let minimum = form.text("visits_minimum").map { Money(parsing: $0) } ?? .some(.zero)
        guard let minimum else { return .failure(.badMinimum) }
        guard let hours = form.text("visits_hours").map({ Int($0) }) ?? 0 else { return .failure(.badHours) }
        guard let gift = form.text("gift").flatMap({ Int64($0) }), catalogIDs.contains(gift) else {
            return .failure(.welcomeNeedsPointsOrGift)
        }
        let dates: CampaignDates?
        switch Self.dates(form, prefix: "visits_") {
        case .failure(let problem): return .failure(problem)
        case .success(let read): dates = read
        }
        let card = VisitCard(every: every, minimumKopecks: minimum.kopecks, hoursBetween: hours, giftCatalogID: gift, dates: dates)
        if let problem = card.problem { return .failure(problem) }
        return .success((name, card))
    }

    /// Bring a friend: a name, each side's points, the smallest first sale that counts and the
    /// referrer's monthly cap.
    static func readReferral(_ form: FormFields) -> Result<(String, ReferralReward), CampaignProblem> {
        guard let name = form.text("referral_name").map({ String($0.prefix(100)) }) else { return .failure(.emptyName) }
        guard let referrer = form.text("referral_referrer_points").map({ Int($0) }) ?? 0,
            let friend = form.text("referral_friend_points").map({ Int($0) }) ?? 0
        else { return .failure(.referralPointsOutOfRange) }
        guard let minimum = form.text("referral_minimum").map({ Money(parsing: $0) }) ?? .some(.zero) else {
            return .failure(.badMinimum)
        }
        guard let cap = form.text("referral_cap").flatMap({ Int($0) }) else { return .failure(.referralCapOutOfRange) }
        let dates: CampaignDates?
        switch Self.dates(form, prefix: "referral_") {
        case .failure(let problem): return .failure(problem)
        case .success(let read): dates = read
        }
        let reward = ReferralReward(
            referrerPoints: referrer, friendPoints: friend, minimumKopecks: minimum.kopecks, monthlyCap: cap, dates: dates)
        if let problem = reward.problem { return .failure(problem) }
        return .success((name, reward))
    }

    /// The optional days a campaign runs, from the form's `<prefix>starts_on` and `<prefix>ends_on`
    /// (date inputs send YYYY-MM-DD); nil when neither is given.
    static func dates(_ form: FormFields, prefix: String) -> Result<CampaignDates?, CampaignProblem> {
        let (starts, ends) = (form.text(prefix + "starts_on"), form.text(prefix + "ends_on"))
        let (startsOn, endsOn) = (starts.flatMap { CalendarDate(isoDate: $0) }, ends.flatMap { CalendarDate(isoDate: $0) })
        if (starts != nil && startsOn == nil) || (ends != nil && endsOn == nil) { return .failure(.badDate) }
        guard startsOn != nil || endsOn != nil else { return .success(nil) }
        let dates = CampaignDates(startsOn: startsOn, endsOn: endsOn)
        if let problem = dates.problem { return .failure(problem) }
        return .success(dates)
    }

    /// A campaign's rule, of any kind, as its form's fields, for its edit page.
    static func fields(name: String, _ rule: CampaignRule) -> FormFields {
        var values: [String: String] = [:]
        func dates(_ dates: CampaignDates?, _ prefix: String) {
            values[prefix + "starts_on"] = dates?.startsOn?.description
            values[prefix + "ends_on"] = dates?.endsOn?.description
        }
        switch rule {
        case .multiplier(let multiplier):
            return fields(name: name, multiplier)
        case .welcome(let bonus):
            values["welcome_name"] = name
            if let gift = bonus.giftCatalogID {
                (values["welcome_kind"], values["gift"]) = ("gift", String(gift))
            } else {
                (values["welcome_kind"], values["welcome_points"]) = ("points", String(bonus.points))
            }
            dates(bonus.dates, "welcome_")
        case .visits(let card):
            values["visits_name"] = name
            values["visits_every"] = String(card.every)
            values["visits_minimum"] = roubles(card.minimumKopecks)
            values["visits_hours"] = String(card.hoursBetween)
            values["gift"] = String(card.giftCatalogID)
            dates(card.dates, "visits_")
        case .referral(let reward):
            values["referral_name"] = name
            values["referral_referrer_points"] = String(reward.referrerPoints)
            values["referral_friend_points"] = String(reward.friendPoints)
            values["referral_minimum"] = roubles(reward.minimumKopecks)
            values["referral_cap"] = String(reward.monthlyCap)
            dates(reward.dates, "referral_")
        }
        return FormFields(values: values)
    }

    /// 30000 → "300", 29990 → "299,90": an amount as an owner types it back.
    static func roubles(_ kopecks: Int64) -> String {
        kopecks % 100 == 0 ? String(kopecks / 100) : String(kopecks / 100) + "," + String(format: "%02d", Int(kopecks % 100))
    }

    /// A campaign's rule as the form's fields, for its edit page.
    static func fields(name: String, _ rule: PointsMultiplier) -> FormFields {
        var values = ["name": name, "multiplier": AdminController.multiplierText(rule.percent).replacingOccurrences(of: "×", with: "")]
        for day in rule.weekdays { values["weekday_\(day)"] = "on" }
        func time(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
        if let from = rule.fromMinute, let to = rule.toMinute { (values["from"], values["to"]) = (time(from), time(to)) }
        values["starts_on"] = rule.startsOn?.description
        values["ends_on"] = rule.endsOn?.description
        for location in rule.locationIDs ?? [] { values["location_\(location)"] = "on" }
        for tier in rule.tiers ?? [] { values["tier_\(tier.rawValue)"] = "on" }
        if rule.evenWhenRedeeming { values["even_when_redeeming"] = "on" }
        return FormFields(values: values)
    }

    /// "2" → 200, "1,5" → 150, "×1.25" → 125; nil for anything else.
    static func multiplierPercent(_ text: String) -> Int? {
        let cleaned = text.replacingOccurrences(of: ",", with: ".").filter { !$0.isWhitespace && $0 != "×" && $0 != "x" }
        guard let value = Double(cleaned), value.isFinite else { return nil }
        let percent = Int((value * 100).rounded())
        guard PointsMultiplier.percentRange.contains(percent), abs(value * 100 - Double(percent)) < 0.001 else { return nil }
        return percent
    }

    /// "14:00" → 840; nil for anything that is not a time of day.
    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }
}

/// A campaign's rule in the panel's words: "×2 · Mon, Tue · 14:00–17:00 · Silver, Gold".
struct CampaignWords {
    let texts: AdminTexts
    let locationNames: [Int64: String]
    let giftNames: [Int64: String]

    func describe(_ rule: CampaignRule) -> String {
        switch rule {
        case .multiplier(let multiplier): return describe(multiplier)
        case .welcome(let bonus): return describeRule(rule) + describe(bonus.dates)
        case .visits(let card): return describeRule(rule) + describe(card.dates)
        case .referral(let reward): return describeRule(rule) + describe(reward.dates)
        }
    }

    /// " · с 2026-12-10 по 2026-12-31", or nothing for a campaign without dates.
    private func describe(_ dates: CampaignDates?) -> String {
        var parts: [String] = []
        if let startsOn = dates?.startsOn { parts.append(texts(ru: "с \(startsOn)", en: "from \(startsOn)")) }
        if let endsOn = dates?.endsOn { parts.append(texts(ru: "по \(endsOn)", en: "until \(endsOn)")) }
        return parts.isEmpty ? "" : " · " + parts.joined(separator: " ")
    }

    private func describeRule(_ rule: CampaignRule) -> String {
        switch rule {
        case .multiplier(let multiplier): return describe(multiplier)
        case .welcome(let bonus):
            guard let gift = bonus.giftCatalogID else {
                return texts(ru: "при регистрации: +\(RussianPlural.points(bonus.points))", en: "on registering: +\(bonus.points) points")
            }
            let name = giftNames[gift] ?? "#\(gift)"
            return texts(ru: "при регистрации: подарок «\(name)»", en: "on registering: a gift, \(name)")
        case .visits(let card):
            let gift = giftNames[card.giftCatalogID] ?? "#\(card.giftCatalogID)"
            let minimum =
                card.minimumKopecks > 0
                ? texts(ru: " · от \(Money(kopecks: card.minimumKopecks))", en: " · from \(Money(kopecks: card.minimumKopecks))") : ""
            let hours =
                card.hoursBetween > 0 ? texts(ru: " · не чаще раза в \(card.hoursBetween) ч", en: " · once per \(card.hoursBetween) h") : ""
            return texts(ru: "каждый \(card.every)-й визит: «\(gift)»", en: "every \(card.every)th visit: \(gift)") + minimum + hours
        case .referral(let reward):
            let minimum =
                reward.minimumKopecks > 0
                ? texts(
                    ru: " · покупка от \(Money(kopecks: reward.minimumKopecks))",
                    en: " · a purchase from \(Money(kopecks: reward.minimumKopecks))")
                : ""
            return texts(
                ru:
                    "приведи друга: пригласившему +\(RussianPlural.points(reward.referrerPoints)), другу +\(RussianPlural.points(reward.friendPoints))",
                en: "bring a friend: +\(reward.referrerPoints) points to the referrer, +\(reward.friendPoints) to the friend")
                + minimum + texts(ru: " · до \(reward.monthlyCap) в месяц", en: " · up to \(reward.monthlyCap) a month")
        }
    }

    func describe(_ rule: PointsMultiplier) -> String {
        var parts = [AdminController.multiplierText(rule.percent)]
        parts.append(
            rule.weekdays.isEmpty
                ? texts(ru: "каждый день", en: "every day") : rule.weekdays.sorted().map(texts.weekday).joined(separator: ", "))
        if let from = rule.fromMinute, let to = rule.toMinute { parts.append("\(time(from))–\(time(to))") }
        if let startsOn = rule.startsOn { parts.append(texts(ru: "с \(startsOn)", en: "from \(startsOn)")) }
        if let endsOn = rule.endsOn { parts.append(texts(ru: "по \(endsOn)", en: "until \(endsOn)")) }
        if let locations = rule.locationIDs {
            parts.append(locations.sorted().map { locationNames[$0] ?? "#\($0)" }.joined(separator: ", "))
        }
        if let tiers = rule.tiers { parts.append(Tier.allCases.filter(tiers.contains).map(texts.tier).joined(separator: ", ")) }
        if rule.evenWhenRedeeming { parts.append(texts(ru: "и при списании баллов", en: "also when points are redeemed")) }
        return parts.joined(separator: " · ")
    }

    private func time(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }
}
