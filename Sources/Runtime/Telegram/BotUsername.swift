/// A bot's @username, for t.me links, asked of Telegram (getMe) in the background and remembered
/// once known. A handler never waits for Telegram: until the name is known it gets nil (and the
/// ask starts again if the last one failed).
public actor BotUsername {
    private let ask: @Sendable () async -> String?
    private var known: String?
    private var asking: Task<String?, Never>?

    public init(ask: @escaping @Sendable () async -> String?) {
        self.ask = ask
    }

    public init(api: BotAPIClient) {
        self.init { await api.username() }
    }

    /// The name when known; otherwise nil at once, with an ask under way.
    public func current() -> String? {
        if known == nil, asking == nil { startAsking() }
        return known
    }

    /// Waits for the ask under way (or a new one) and returns the name.
    public func resolve() async -> String? {
        if let known { return known }
        if asking == nil { startAsking() }
        return await asking?.value
    }

    private func startAsking() {
        asking = Task { [ask] in
            let name = await ask()
            self.finish(name)
            return name
        }
    }

    private func finish(_ name: String?) {
        known = known ?? name
        asking = nil
    }
}
