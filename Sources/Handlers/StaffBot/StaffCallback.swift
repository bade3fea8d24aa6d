import Domain

/// What an inline button in the staff bot asks for: a short action and an id (≤ 64 bytes).
enum StaffCallback: Equatable {
    case redeemNone
    case redeemMaximum
    case redeemEnter
    case toggleGift(Int64)
    case confirmSale(nonce: String)
    case abandon
    case cancelSale(order: Int64)
    case issueGift(catalogID: Int64)
    case redeemGift(Int64)
    case audienceEveryone
    case audienceTierMenu
    case audienceTier(Tier)
    case audienceActive(days: Int)
    case audienceBirthdays
    case sendBroadcast(nonce: String)

    init?(data: String) {
        let parts = data.split(separator: ":").map(String.init)
        let id = parts.count > 1 ? Int64(parts[1]) : nil
        switch (parts.first ?? "", parts.count) {
        case ("rd", 2) where parts[1] == "none": self = .redeemNone
        case ("rd", 2) where parts[1] == "max": self = .redeemMaximum
        case ("rd", 2) where parts[1] == "enter": self = .redeemEnter
        case ("gt", 2): guard let id else { return nil }; self = .toggleGift(id)
        case ("sc", 2): self = .confirmSale(nonce: parts[1])
        case ("sx", 1): self = .abandon
        case ("cx", 2): guard let id else { return nil }; self = .cancelSale(order: id)
        case ("gi", 2): guard let id else { return nil }; self = .issueGift(catalogID: id)
        case ("gr", 2): guard let id else { return nil }; self = .redeemGift(id)
        case ("ba", 2) where parts[1] == "all": self = .audienceEveryone
        case ("ba", 2) where parts[1] == "tier": self = .audienceTierMenu
        case ("ba", 2) where parts[1] == "bday": self = .audienceBirthdays
        case ("ba", 3) where parts[1] == "tier": guard let tier = Tier(rawValue: parts[2]) else { return nil }; self = .audienceTier(tier)
        case ("ba", 3) where parts[1] == "active": guard let days = Int(parts[2]), (1...365).contains(days) else { return nil }; self = .audienceActive(days: days)
        case ("bs", 2): self = .sendBroadcast(nonce: parts[1])
        default: return nil
        }
    }

    var data: String {
        switch self {
        case .redeemNone: return "rd:none"
        case .redeemMaximum: return "rd:max"
        case .redeemEnter: return "rd:enter"
        case .toggleGift(let id): return "gt:\(id)"
        case .confirmSale(let nonce): return "sc:\(nonce)"
        case .abandon: return "sx"
        case .cancelSale(let order): return "cx:\(order)"
        case .issueGift(let id): return "gi:\(id)"
        case .redeemGift(let id): return "gr:\(id)"
        case .audienceEveryone: return "ba:all"
        case .audienceTierMenu: return "ba:tier"
        case .audienceTier(let tier): return "ba:tier:\(tier.rawValue)"
        case .audienceActive(let days): return "ba:active:\(days)"
        case .audienceBirthdays: return "ba:bday"
        case .sendBroadcast(let nonce): return "bs:\(nonce)"
        }
    }
}
