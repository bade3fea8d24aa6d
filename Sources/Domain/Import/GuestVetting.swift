import Foundation

/// A v1 guest as Crema will hold them.
public struct ImportedGuest: Sendable, Equatable {
    public var sourceID: Int64
    public var telegramID: Int64
    public var phone: PhoneNumber
    public var firstName: String
    public var lastName: String?
    /// `YYYY-MM-DD`; the guest may still change it once, as any guest may.
    public var birthDate: String?
    /// v1's status, kept as a floor until spend in Crema earns more.
    public var tierFloor: Tier
    /// The balance v1 held, taken in as one opening ledger entry.
    public var openingPoints: Int
    public var blocked: Bool

    public var source: String { ImportSource.v1("users", sourceID) }
}

/// Decides which v1 guests Crema takes in. Anything doubtful is refused with its reason, and a
/// phone or Telegram id two guests share refuses both: which of them is the person is the owner's
/// call, not the importer's.
public struct GuestVetting: Sendable {
    public private(set) var accepted: [ImportedGuest] = []
    public private(set) var refused: [ImportRefusal] = []
    /// Guests taken in with something left out (a negative balance, an impossible birth date).
    public private(set) var notes: [ImportRefusal] = []
    /// Points in negative v1 balances, not taken in.
    public private(set) var negativePointsLeftOut = 0

    public init(users: [V1.User], today: Date) {
        var candidates: [ImportedGuest] = []
        for user in users {
            switch Self.vet(user, today: today) {
            case .success(let guest): candidates.append(guest)
            case .failure(let refusal): refused.append(refusal)
            }
        }
        let sharedPhones = Dictionary(grouping: candidates, by: \.phone).filter { $0.value.count > 1 }
        let sharedIDs = Dictionary(grouping: candidates, by: \.telegramID).filter { $0.value.count > 1 }
        for guest in candidates {
            if let others = sharedPhones[guest.phone] {
                refused.append(
                    ImportRefusal("users", guest.sourceID, "phone \(guest.phone) is also on \(Self.list(others, besides: guest))"))
            } else if let others = sharedIDs[guest.telegramID] {
                refused.append(
                    ImportRefusal(
                        "users", guest.sourceID, "Telegram id \(guest.telegramID) is also on \(Self.list(others, besides: guest))"))
            } else {
                accepted.append(guest)
            }
        }
        let acceptedIDs = Set(accepted.map(\.sourceID))
        for user in users where acceptedIDs.contains(user.id) {
            notes += Self.notes(on: user, today: today)
            negativePointsLeftOut += min(0, user.points)
        }
        refused.sort { $0.row.localizedStandardCompare($1.row) == .orderedAscending }
    }

    private static func vet(_ user: V1.User, today: Date) -> Result<ImportedGuest, ImportRefusal> {
        func refuse(_ reason: String) -> Result<ImportedGuest, ImportRefusal> { .failure(ImportRefusal("users", user.id, reason)) }
        guard user.role == "client" else { return refuse("not a guest (role \(user.role)); staff come from baristas") }
        let rawID = user.telegramID.trimmingWhitespace()
        guard rawID.allSatisfy(\.isASCIIDigit), let telegramID = Int64(rawID), telegramID > 0 else {
            return refuse("Telegram id \"\(user.telegramID)\" is not a number")
        }
        guard let rawPhone = user.phone, !rawPhone.trimmingWhitespace().isEmpty else { return refuse("no phone number") }
        guard let phone = PhoneNumber(normalizing: rawPhone) else { return refuse("phone \"\(rawPhone)\" is not a phone number") }
        let lastName = user.lastName?.trimmingWhitespace()
        return .success(
            ImportedGuest(
                sourceID: user.id, telegramID: telegramID, phone: phone,
                firstName: String((user.firstName?.trimmingWhitespace() ?? "").prefix(200)),
                lastName: lastName.flatMap { $0.isEmpty ? nil : String($0.prefix(200)) },
                birthDate: plausibleBirthDate(user.birthDate, today: today),
                tierFloor: Tier(rawValue: user.loyaltyStatus) ?? .standard,
                openingPoints: max(0, user.points),
                blocked: user.isActive == false
            ))
    }

    private static func notes(on user: V1.User, today: Date) -> [ImportRefusal] {
        var notes: [ImportRefusal] = []
        if user.points < 0 {
            notes.append(ImportRefusal("users", user.id, "balance \(user.points) not taken in (v1 never allowed a negative balance)"))
        }
        if let date = user.birthDate, plausibleBirthDate(date, today: today) == nil {
            notes.append(ImportRefusal("users", user.id, "birth date \(date) left out: not a possible birth date"))
        }
        if Tier(rawValue: user.loyaltyStatus) == nil {
            notes.append(ImportRefusal("users", user.id, "status \"\(user.loyaltyStatus)\" unknown: starts at Standard"))
        }
        return notes
    }

    /// A birth date between 1900 and today, or nil.
    static func plausibleBirthDate(_ raw: String?, today: Date) -> String? {
        guard let raw, let year = Int(raw.prefix(4)), year >= 1900 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = raw.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3,
            let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            calendar.component(.day, from: date) == parts[2], date <= today
        else { return nil }
        return raw
    }

    private static func list(_ guests: [ImportedGuest], besides guest: ImportedGuest) -> String {
        "users " + guests.filter { $0.sourceID != guest.sourceID }.map { String($0.sourceID) }.joined(separator: ", ")
    }
}
