import Domain
import Foundation
import Store

/// Every text the client bot says, one catalogue per language (`ClientTexts+Russian.swift`,
/// `ClientTexts+English.swift`). Handlers pick the catalogue by the guest's language.
protocol ClientTexts: Sendable {
    var language: Language { get }

    // Menu buttons (a press arrives as this text).
    var profileButton: String { get }
    var codeButton: String { get }
    var historyButton: String { get }
    var reviewButton: String { get }
    var ideaButton: String { get }
    var messageButton: String { get }
    var settingsButton: String { get }
    var sharePhoneButton: String { get }
    var skipButton: String { get }
    var cancelButton: String { get }
    var newCodeButton: String { get }
    /// Opens the loyalty card Mini App.
    var cardAppButton: String { get }

    func welcomeNew(name: String) -> String
    func welcomeBack(name: String) -> String
    var onlyOwnContact: String { get }
    var contactWithoutUser: String { get }
    var invalidPhone: String { get }
    var phoneTaken: String { get }
    var alreadyRegistered: String { get }
    func registered(name: String) -> String
    var askBirthday: String { get }
    var invalidBirthday: String { get }
    func birthdaySaved(_ date: String) -> String
    var birthdaySkipped: String { get }
    var needsRegistration: String { get }
    var accountBlocked: String { get }

    func profile(_ view: ProfileView) -> String

    // Bring a friend.
    /// The invite link (nil when Telegram could not be asked the bot's name) and its terms.
    func invite(_ invite: Invite, link: String?) -> String
    /// The profile's line about the invite link.
    func inviteHint(_ invite: Invite) -> String
    var noInviteCampaign: String { get }
    /// The button under the invite that opens Telegram's share page, and the line it suggests.
    var shareInviteButton: String { get }
    func inviteShareText(_ invite: Invite) -> String
    var invitesAreForNewGuests: String { get }
    /// Said on registering through an invite link.
    func invitedBy(_ offer: ReferralOffer) -> String
    /// The profile below the name, tier and balance: debt, expiry, next tier, gifts.
    func profileDetails(_ view: ProfileView) -> [String]
    /// "балл", "балла" or "баллов" for `count`.
    func points(_ count: Int) -> String
    func code(_ code: PaymentCode, validFor seconds: Int, until time: String) -> String
    func history(_ lines: [String]) -> String
    func historyLine(_ entry: ActivityEntry, date: String) -> String

    var reviewPickOrder: String { get }
    /// `days` is the review window (setting).
    func reviewNoOrders(days: Int) -> String
    func reviewOrderButton(order: Int64, amount: Money, date: String) -> String
    func rateOrder(_ order: Int64) -> String
    func ratingSaved(_ rating: Int) -> String
    var commentSaved: String { get }
    var commentSkipped: String { get }
    var alreadyReviewed: String { get }
    var askIdea: String { get }
    var ideaSaved: String { get }
    var askMessage: String { get }
    var messageSaved: String { get }
    var messageLimitReached: String { get }
    var inputCancelled: String { get }

    func settings(promoOptIn: Bool, birthDate: String?, mayChangeBirthDate: Bool) -> String
    var languageButton: String { get }
    func promoButton(optedIn: Bool) -> String
    /// Offered while the date may still be set or changed once.
    func birthdayButton(isSet: Bool) -> String
    var languageChanged: String { get }
    func promoChanged(optedIn: Bool) -> String
    var birthdayAlreadyChanged: String { get }

    var staleButton: String { get }
    var unsupportedContent: String { get }
    var privateChatsOnly: String { get }
    var unknownText: String { get }
    var apology: String { get }

    func tierName(_ tier: Tier) -> String
}

/// What the profile shows, gathered by the handler and worded by the catalogue.
struct ProfileView: Sendable {
    var name: String
    var tier: Tier
    var balance: Int
    var debt: Int
    /// Nil at the top tier.
    var toNextTier: (tier: Tier, spend: Money)?
    var gifts: [(name: String, until: String)]
    /// The nearest points to expire: how many, and the day (as the guest reads dates).
    var expiring: (points: Int, day: String)? = nil
    /// The card of the running "every Nth visit" campaign, if one runs.
    var visits: VisitCardStatus? = nil
}

func clientTexts(_ language: Language) -> any ClientTexts {
    switch language {
    case .ru: return RussianClientTexts()
    case .en: return EnglishClientTexts()
    }
}
