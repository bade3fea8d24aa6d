import Domain

/// What an inline button in the staff bot asks for: a short action and an id (≤ 64 bytes).
/// Adding a button is one case here, one route in `codec`, and its handler in
/// `StaffBot+Callbacks.swift`.
enum StaffCallback: Equatable, Sendable {
    case redeemNone
    case redeemMaximum
    case redeemEnter
    case toggleGift(Int64)
    case confirmSale(nonce: String)
    case abandon
    case cancelSale(order: Int64)
    case refundSale(order: Int64)
    case issueGift(catalogID: Int64)
    case redeemGift(Int64)
    case audienceEveryone
    case audienceTierMenu
    case audienceTier(Tier)
    case audienceActive(days: Int)
    case audienceBirthdays
    case sendBroadcast(nonce: String)

    static let codec = CallbackCodec<StaffCallback>([
        CallbackRoute("rd:none", .redeemNone),
        CallbackRoute("rd:max", .redeemMaximum),
        CallbackRoute("rd:enter", .redeemEnter),
        CallbackRoute(
            "gt", print: { if case .toggleGift(let id) = $0 { [String(id)] } else { nil } },
            parse: { $0.singleID.map { .toggleGift($0) } }),
        CallbackRoute(
            "sc", print: { if case .confirmSale(let nonce) = $0 { [nonce] } else { nil } },
            parse: { Nonce.single($0).map { .confirmSale(nonce: $0) } }),
        CallbackRoute("sx", .abandon),
        CallbackRoute(
            "cx", print: { if case .cancelSale(let order) = $0 { [String(order)] } else { nil } },
            parse: { $0.singleID.map { .cancelSale(order: $0) } }),
        CallbackRoute(
            "rf", print: { if case .refundSale(let order) = $0 { [String(order)] } else { nil } },
            parse: { $0.singleID.map { .refundSale(order: $0) } }),
        CallbackRoute(
            "gi", print: { if case .issueGift(let id) = $0 { [String(id)] } else { nil } },
            parse: { $0.singleID.map { .issueGift(catalogID: $0) } }),
        CallbackRoute(
            "gr", print: { if case .redeemGift(let id) = $0 { [String(id)] } else { nil } },
            parse: { $0.singleID.map { .redeemGift($0) } }),
        CallbackRoute("ba:all", .audienceEveryone),
        CallbackRoute("ba:tier", .audienceTierMenu),
        CallbackRoute(
            "ba:tier", print: { if case .audienceTier(let tier) = $0 { [tier.rawValue] } else { nil } },
            parse: { $0.count == 1 ? Tier(rawValue: $0[0]).map { .audienceTier($0) } : nil }),
        CallbackRoute(
            "ba:active", print: { if case .audienceActive(let days) = $0 { [String(days)] } else { nil } },
            parse: { $0.count == 1 ? Int($0[0]).flatMap { (1...365).contains($0) ? .audienceActive(days: $0) : nil } : nil }),
        CallbackRoute("ba:bday", .audienceBirthdays),
        CallbackRoute(
            "bs", print: { if case .sendBroadcast(let nonce) = $0 { [nonce] } else { nil } },
            parse: { Nonce.single($0).map { .sendBroadcast(nonce: $0) } }),
    ])

    init?(data: String) {
        guard let action = Self.codec.action(from: data) else { return nil }
        self = action
    }

    var data: String { Self.codec.data(for: self) }
}

/// A confirm nonce as it travels in callback data: one non-empty argument without the separator.
enum Nonce {
    static func single(_ arguments: [String]) -> String? {
        arguments.count == 1 && !arguments[0].isEmpty ? arguments[0] : nil
    }
}
