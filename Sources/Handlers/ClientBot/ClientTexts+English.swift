import Domain
import Foundation
import Store

struct EnglishClientTexts: ClientTexts {
    let language = Language.en

    let profileButton = "👤 Profile"
    let codeButton = "🔢 Payment code"
    let historyButton = "🧾 History"
    let reviewButton = "⭐ Review"
    let ideaButton = "💡 Idea"
    let messageButton = "✉️ Message us"
    let settingsButton = "⚙️ Settings"
    let sharePhoneButton = "📱 Share phone"
    let skipButton = "Skip"
    let cancelButton = "Cancel"
    let cardAppButton = "📱 QR code and card"
    let newCodeButton = "🔄 New code"

    func welcomeNew(name: String) -> String {
        "Hello, \(name)! This is our café's loyalty programme: points for purchases, tiers and gifts.\n\nTo join, tap “\(sharePhoneButton)” below."
    }
    func welcomeBack(name: String) -> String { "Welcome back, \(name)! Choose an action in the menu." }
    let onlyOwnContact = "You can only register with your own number. Tap “📱 Share phone” below and Telegram will send it."
    let contactWithoutUser = "This contact is not linked to a Telegram account. Tap “📱 Share phone” below to send your own number."
    let invalidPhone = "I could not read that phone number. Please try again with “📱 Share phone”."
    let phoneTaken = "This number is already registered to another Telegram account. If it is yours, please talk to us at the café."
    let alreadyRegistered = "You are already registered."
    func registered(name: String) -> String { "Done, \(name), you're in! Tier: Standard, balance: 0 points." }
    let askBirthday = "Send your birth date as DD.MM.YYYY and a gift will wait for you on your birthday. Or tap “Skip”."
    let invalidBirthday = "That does not look like a birth date. Send it as DD.MM.YYYY, e.g. 14.03.1995, or tap “Skip”."
    func birthdaySaved(_ date: String) -> String { "Birth date saved: \(date)." }
    let birthdaySkipped = "OK, you can add your birth date later in Settings."
    let needsRegistration = "Please register first: tap “📱 Share phone” below."
    let accountBlocked = "Your loyalty account is suspended. Please talk to the café staff."

    func profile(_ view: ProfileView) -> String {
        (["👤 \(view.name)", "Tier: \(tierName(view.tier))", "Balance: \(view.balance) \(points(view.balance))"] + profileDetails(view))
            .joined(separator: "\n")
    }

    func invite(_ invite: Invite, link: String?) -> String {
        let reward = invite.reward
        let minimum = reward.minimumKopecks > 0 ? " of \(Money(kopecks: reward.minimumKopecks)) or more" : ""
        let terms: String
        switch (reward.referrerPoints, reward.friendPoints) {
        case (0, let friend): terms = "your friend gets \(friend) points"
        case (let referrer, 0): terms = "you get \(referrer) points"
        case (let referrer, let friend): terms = "you get \(referrer) points and your friend \(friend)"
        }
        let share =
            link.map { "Your invite link:\n\($0)" } ?? "Ask your friend to open this bot and send:\n/start \(invite.startParameter)"
        return "🤝 \(invite.campaign)\n\(share)\n\n"
            + "When a friend registers by your invitation and makes a first purchase\(minimum), \(terms). "
            + "Up to \(reward.monthlyCap) \(reward.monthlyCap == 1 ? "friend" : "friends") a month count."
    }

    func inviteHint(_ invite: Invite) -> String {
        "🤝 Invite friends (\(invite.campaign)): /invite"
    }

    let shareInviteButton = "📤 Send to a friend"

    func inviteShareText(_ invite: Invite) -> String {
        guard invite.reward.friendPoints > 0 else { return "Come to our café — here is an invite:" }
        let minimum = invite.reward.minimumKopecks > 0 ? " of \(Money(kopecks: invite.reward.minimumKopecks)) or more" : ""
        return "Come to our café: with this invite you get \(invite.reward.friendPoints) points after your first purchase\(minimum)."
    }

    let noInviteCampaign = "There is no bring-a-friend campaign right now — look in later."
    let invitesAreForNewGuests = "You are already with us — invites are for new guests."

    func invitedBy(_ offer: ReferralOffer) -> String {
        let minimum = offer.reward.minimumKopecks > 0 ? " of \(Money(kopecks: offer.reward.minimumKopecks)) or more" : ""
        guard offer.reward.friendPoints > 0 else { return "🤝 \(offer.referrerName) invited you — glad you came!" }
        return "🤝 \(offer.referrerName) invited you. After your first purchase\(minimum) you get "
            + "\(offer.reward.friendPoints) points (\(offer.campaign))."
    }

    func profileDetails(_ view: ProfileView) -> [String] {
        var lines: [String] = []
        if view.debt > 0 { lines.append("Points debt: \(view.debt) — repaid from future points") }
        if let expiring = view.expiring {
            lines.append("⏳ \(expiring.points) \(expiring.points == 1 ? "point expires" : "points expire") on \(expiring.day)")
        }
        if let next = view.toNextTier {
            lines.append("To \(tierName(next.tier)): spend \(next.spend) more")
        } else {
            lines.append("You are at the top tier 🎉")
        }
        if let visits = view.visits {
            lines.append("☕ Visits, \(visits.campaign): \(visits.progress.stamps) of \(visits.progress.of)")
        }
        if view.gifts.isEmpty {
            lines.append("No gifts yet.")
        } else {
            lines.append("Gifts:")
            lines += view.gifts.map { "🎁 \($0.name) — until \($0.until)" }
        }
        return lines
    }

    func code(_ code: PaymentCode, validFor seconds: Int, until time: String) -> String {
        "Your payment code: \(code)\nShow it to the barista. Valid for \(seconds) s, until \(time)."
    }

    func history(_ lines: [String]) -> String {
        lines.isEmpty ? "No operations yet." : "Latest operations:\n" + lines.joined(separator: "\n")
    }

    func historyLine(_ entry: ActivityEntry, date: String) -> String {
        switch entry.kind {
        case .order(let id, let amount, _, let earned, let redeemed):
            var line = "\(date) · order #\(id), \(amount)"
            if earned > 0 { line += " · +\(earned) \(points(earned))" }
            if redeemed > 0 { line += " · −\(redeemed) \(points(redeemed))" }
            return line
        case .points(let kind, let points, let debt, let orderID):
            let what: String
            switch kind {
            case "earn_reversal", "redeem_reversal", "debt": what = "order #\(orderID ?? 0) cancelled"
            case "refund_earn_reversal", "refund_redeem_reversal", "refund_debt": what = "refund on order #\(orderID ?? 0)"
            case "manual_credit", "manual_debit": what = "adjustment"
            case "birthday_credit": what = "birthday gift"
            case "campaign_credit": what = "promotion"
            case "expiry": what = "points expired"
            default: what = "points"
            }
            var line = "\(date) · \(what)"
            if points != 0 { line += " · \(points > 0 ? "+" : "−")\(abs(points)) \(self.points(abs(points)))" }
            if debt > 0 { line += " · debt +\(debt)" }
            return line
        case .giftIssued(let name): return "\(date) · gift: \(name)"
        case .giftRedeemed(let name): return "\(date) · gift used: \(name)"
        }
    }

    let reviewPickOrder = "Which visit would you like to rate?"
    func reviewNoOrders(days: Int) -> String {
        "You can rate purchases from the last \(days) day\(days == 1 ? "" : "s"), and there are none yet. We'd love your review after your next visit!"
    }
    func reviewOrderButton(order: Int64, amount: Money, date: String) -> String { "#\(order) · \(date) · \(amount)" }
    func rateOrder(_ order: Int64) -> String { "Rate your visit (order #\(order)) from 1 to 10:" }
    func ratingSaved(_ rating: Int) -> String {
        "Thank you for the \(rating)/10! Would you like to add a comment? Send it as one message or tap “Skip”."
    }
    let commentSaved = "Thank you, your comment is with the café team."
    let commentSkipped = "Thank you for your review!"
    let alreadyReviewed = "You have already rated this visit. Thank you!"
    let askIdea = "Share an idea — what should we improve or add? Send it as one message."
    let ideaSaved = "Thank you for the idea! We will read it."
    let askMessage = "Write to the café management in one message — we will reply here."
    let messageSaved = "Your message is with the management. The reply will come here."
    let messageLimitReached =
        "You have written to the management several times today and we have it all. You can send a new message tomorrow."
    let inputCancelled = "Cancelled."

    func settings(promoOptIn: Bool, birthDate: String?, mayChangeBirthDate: Bool) -> String {
        var lines = ["⚙️ Settings", "Language: English", "Offers and news: \(promoOptIn ? "on" : "off")"]
        if let birthDate {
            lines.append("Birth date: \(birthDate)" + (mayChangeBirthDate ? " (can be changed once)" : ""))
        } else {
            lines.append("Birth date: not set")
        }
        return lines.joined(separator: "\n")
    }
    let languageButton = "🇷🇺 Русский"
    func promoButton(optedIn: Bool) -> String { optedIn ? "🔕 No offers" : "🔔 Send offers" }
    func birthdayButton(isSet: Bool) -> String { isSet ? "🎂 Change birth date" : "🎂 Set birth date" }
    let languageChanged = "Language: English."
    func promoChanged(optedIn: Bool) -> String {
        optedIn ? "We will send you offers and news." : "No more offers. Receipts and gifts will still come."
    }
    let birthdayAlreadyChanged = "A birth date can be changed only once, and you already did. If you need help, message us."

    let staleButton = "This button is out of date. Please open the menu again."
    let unsupportedContent = "I understand text and the menu buttons only. Choose an action below."
    let privateChatsOnly = "I only work in private messages — write to me directly."
    let unknownText = "I did not understand that. Choose an action in the menu below."
    let apology = "Something went wrong. Please try again in a minute."

    func tierName(_ tier: Tier) -> String {
        switch tier {
        case .standard: return "Standard"
        case .silver: return "Silver"
        case .gold: return "Gold"
        case .platinum: return "Platinum"
        }
    }

    func points(_ count: Int) -> String { count == 1 ? "point" : "points" }
}
