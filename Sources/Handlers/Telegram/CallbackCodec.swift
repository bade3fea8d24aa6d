/// How one kind of inline button is written into Telegram's callback data and read back: a short
/// tag (which may itself have parts, as in `ba:tier`), then its arguments, joined by `:`
/// (Telegram allows 64 bytes).
///
/// Both directions of a button sit side by side in one route, and a bot's routes are its only
/// definition of its callback data, so the printer and the parser cannot drift apart.
struct CallbackRoute<Action: Sendable>: Sendable {
    let tag: String
    /// The arguments to print for `action`, or nil when the action is not this route's.
    let arguments: @Sendable (Action) -> [String]?
    /// The action these arguments stand for, or nil when they do not parse.
    let action: @Sendable ([String]) -> Action?

    init(_ tag: String, print arguments: @escaping @Sendable (Action) -> [String]?, parse action: @escaping @Sendable ([String]) -> Action?)
    {
        self.tag = tag
        self.arguments = arguments
        self.action = action
    }

    /// A button with no arguments.
    init(_ tag: String, _ constant: Action) where Action: Equatable {
        self.init(tag, print: { $0 == constant ? [] : nil }, parse: { $0.isEmpty ? constant : nil })
    }
}

/// A bot's callback data: the routes, tried in order.
struct CallbackCodec<Action: Sendable>: Sendable {
    static var separator: Character { ":" }

    let routes: [CallbackRoute<Action>]

    init(_ routes: [CallbackRoute<Action>]) {
        self.routes = routes
    }

    func data(for action: Action) -> String {
        for route in routes {
            if let arguments = route.arguments(action) {
                return ([route.tag] + arguments).joined(separator: String(Self.separator))
            }
        }
        preconditionFailure("no callback route prints \(action)")
    }

    func action(from data: String) -> Action? {
        let parts = data.split(separator: Self.separator, omittingEmptySubsequences: false).map(String.init)
        for route in routes {
            // A tag may have parts of its own ("ba:tier"): the data must start with all of them.
            let tag = route.tag.split(separator: Self.separator).map(String.init)
            guard parts.count >= tag.count, Array(parts.prefix(tag.count)) == tag else { continue }
            if let action = route.action(Array(parts.dropFirst(tag.count))) { return action }
        }
        return nil
    }
}

extension Array where Element == String {
    /// The single argument as a number, for routes that carry one id.
    var singleID: Int64? {
        count == 1 ? Int64(self[0]) : nil
    }
}
