import Foundation
import Logging
import Store

/// A Bot API call ready to send: the method and its JSON body (with `chat_id`).
public struct RenderedMessage: Sendable, Equatable {
    public var method: String
    public var body: Data

    public init(method: String, body: Data) {
        self.method = method
        self.body = body
    }
}

/// Delivers one bot's outbox: at most `messagesPerSecond` in total and one message per chat per
/// `perChatInterval`; on 429 it pauses the bot for `retry_after`; on 403 it marks the guest
/// unreachable; on 5xx or no answer it retries with exponential backoff; a 400 is final.
///
/// Every instance runs one per bot (`leadAndSend`, from a periodic job), but only the holder of
/// the bot's advisory lock sends.
public struct OutboxSender: Sendable {
    public struct Settings: Sendable {
        public var messagesPerSecond: Int = 25
        public var perChatInterval: Duration = .seconds(1)
        public var batchSize: Int = 50
        public var firstBackoff: TimeInterval = 2
        public var maximumBackoff: TimeInterval = 300
        public var maximumAttempts: Int = 8
        public var idlePoll: Duration = .milliseconds(200)
        /// How often the leader re-reads what the owner may change while it sends (`Live`).
        public var liveRefresh: Duration = .seconds(10)

        public init() {}
    }

    /// What the café's owner may change while the sender runs: the rate, and how messages are
    /// rendered (the café's time zone).
    public struct Live: Sendable {
        public var messagesPerSecond: Int
        public var render: @Sendable (OutboxItem) -> RenderedMessage?

        public init(messagesPerSecond: Int, render: @escaping @Sendable (OutboxItem) -> RenderedMessage?) {
            self.messagesPerSecond = messagesPerSecond
            self.render = render
        }
    }

    public struct Stats: Sendable, Equatable {
        public var sent = 0
        public var failed = 0
        public var unreachable = 0
        public var retried = 0
    }

    let bot: OutboxStore.Bot
    let store: OutboxStore
    let api: BotAPIClient
    let render: @Sendable (OutboxItem) -> RenderedMessage?
    let live: (@Sendable () async throws -> Live)?
    let clock: AppClock
    let settings: Settings
    let logger: Logger

    /// With `live`, the rate and the renderer are re-read every `settings.liveRefresh`;
    /// without it, `settings.messagesPerSecond` and `render` hold for the sender's life.
    public init(
        bot: OutboxStore.Bot, store: OutboxStore, api: BotAPIClient, clock: AppClock, settings: Settings = .init(),
        logger: Logger, live: (@Sendable () async throws -> Live)? = nil,
        render: @escaping @Sendable (OutboxItem) -> RenderedMessage? = { _ in nil }
    ) {
        self.bot = bot
        self.store = store
        self.api = api
        self.clock = clock
        self.settings = settings
        self.logger = logger
        self.live = live
        self.render = render
    }

    /// Sends until no pending row is left or `deadline` passes (tests, one-shot runs).
    public func drain(within deadline: Duration) async throws -> Stats {
        var run = try await start()
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            let worked = try await sendBatch(&run)
            if !worked {
                guard try await store.hasPending(bot: bot) else { return run.stats }
                try await Task.sleep(for: settings.idlePoll)
            }
        }
        return run.stats
    }

    /// Sends for as long as this instance holds the bot's lock, until cancelled; returns at once,
    /// with nil, when another instance holds it.
    @discardableResult
    public func leadAndSend() async throws -> Stats? {
        try await store.whileLeader(of: bot) {
            var run = try await start()
            while !Task.isCancelled {
                if try await !sendBatch(&run) {
                    try await Task.sleep(for: settings.idlePoll)
                }
            }
            return run.stats
        }
    }

    /// The leader's state for one run: pace, renderer and counts.
    struct Run {
        var pacer: Pacer
        var render: @Sendable (OutboxItem) -> RenderedMessage?
        var stats = Stats()
        var refreshedAt = ContinuousClock.now
    }

    private func start() async throws -> Run {
        guard let live else {
            return Run(pacer: Pacer(settings: settings, messagesPerSecond: settings.messagesPerSecond), render: render)
        }
        let current = try await live()
        return Run(pacer: Pacer(settings: settings, messagesPerSecond: current.messagesPerSecond), render: current.render)
    }

    /// Takes in the owner's latest rate and time zone; the pace so far is kept when the rate is
    /// unchanged.
    private func refresh(_ run: inout Run) async throws {
        guard let live, ContinuousClock.now - run.refreshedAt >= settings.liveRefresh else { return }
        let current = try await live()
        if current.messagesPerSecond != run.pacer.rate {
            logger.info("outbox rate changed", metadata: ["bot": "\(bot.rawValue)", "per_second": "\(current.messagesPerSecond)"])
            run.pacer = Pacer(settings: settings, messagesPerSecond: current.messagesPerSecond)
        }
        run.render = current.render
        run.refreshedAt = ContinuousClock.now
    }

    /// Claims and sends one batch; false when nothing was due.
    func sendBatch(_ run: inout Run) async throws -> Bool {
        try await refresh(&run)
        try await run.pacer.waitOutPause()
        let items = try await store.claimDue(bot: bot, limit: settings.batchSize, now: clock.now)
        guard !items.isEmpty else { return false }
        for (index, item) in items.enumerated() {
            if let pause = run.pacer.pausedUntilDate(now: clock.now) {
                // A 429 stopped the bot: the rest of the batch waits for the pause, uncounted.
                for waiting in items[index...] {
                    try await store.retry(waiting.id, at: pause, reason: "bot paused after 429", countsAsAttempt: false)
                }
                break
            }
            try await send(item, run: &run)
        }
        return true
    }

    private func send(_ item: OutboxItem, run: inout Run) async throws {
        guard let message = run.render(item) else {
            run.stats.failed += 1
            return try await store.markFailed(item.id, reason: "nothing to render")
        }
        // Answering a button press is not a message in the chat: only the bot's total rate applies.
        let paced = message.method != "answerCallbackQuery"
        if paced, let later = run.pacer.deferral(of: item.chatID, now: clock.now) {
            return try await store.retry(item.id, at: later, reason: "one message per second per chat", countsAsAttempt: false)
        }
        try await run.pacer.waitForSlot()
        do {
            _ = try await api.call(message.method, json: message.body)
            run.pacer.sent(to: paced ? item.chatID : nil)
            run.stats.sent += 1
            try await store.markSent(item.id, at: clock.now)
        } catch let error as BotAPIError {
            run.pacer.sent(to: paced ? item.chatID : nil)
            try await handle(error, for: item, pacer: &run.pacer, stats: &run.stats)
        }
    }

    private func handle(_ error: BotAPIError, for item: OutboxItem, pacer: inout Pacer, stats: inout Stats) async throws {
        switch error {
        case _ where error.isMessageNotModified:
            stats.sent += 1
            try await store.markSent(item.id, at: clock.now)
        case .tooManyRequests(let seconds):
            pacer.pause(for: seconds)
            stats.retried += 1
            try await store.retry(
                item.id, at: clock.now.addingTimeInterval(TimeInterval(seconds)), reason: "429 retry after \(seconds)",
                countsAsAttempt: false)
        case .forbidden(let description):
            stats.unreachable += 1
            try await store.markUnreachable(item, reason: description, at: clock.now)
        case .badRequest(let description):
            stats.failed += 1
            try await store.markFailed(item.id, reason: description)
        case .unauthorized:
            logger.critical("Telegram refused the bot token; sending paused", metadata: ["bot": "\(bot.rawValue)"])
            pacer.pause(for: 60)
            try await store.retry(item.id, at: clock.now.addingTimeInterval(60), reason: "401 Unauthorized", countsAsAttempt: false)
        case .server, .transport:
            if item.attempts >= settings.maximumAttempts {
                stats.failed += 1
                try await store.markFailed(item.id, reason: "gave up after \(item.attempts) attempts: \(error)")
            } else {
                stats.retried += 1
                let backoff = min(settings.maximumBackoff, settings.firstBackoff * pow(2, Double(item.attempts - 1)))
                try await store.retry(item.id, at: clock.now.addingTimeInterval(backoff), reason: "\(error)")
            }
        }
    }
}

/// The sender's pace: a slot every 1/rate seconds for the bot, one message per interval per chat,
/// and a pause after a 429. Lives only as long as the sender's run (it is the leader's state).
///
/// Telegram counts arrivals, and a slow first request (a new connection) can bunch arrivals, so
/// besides spacing the starts it never starts a call less than a second after the response to
/// the call `rate` sends earlier: that response came after its arrival, so no second can hold
/// more than `rate` arrivals.
struct Pacer {
    let interval: Duration
    let perChat: Duration
    let rate: Int
    private var nextSlot = ContinuousClock.now
    private var recentResponses: [ContinuousClock.Instant] = []
    private var lastByChat: [Int64: ContinuousClock.Instant] = [:]
    private var deferredByChat: [Int64: Date] = [:]
    private var pausedUntil: ContinuousClock.Instant?

    init(settings: OutboxSender.Settings, messagesPerSecond: Int) {
        self.rate = max(1, messagesPerSecond)
        self.interval = .seconds(1) / rate
        self.perChat = settings.perChatInterval
    }

    mutating func waitForSlot() async throws {
        var start = max(nextSlot, ContinuousClock.now)
        if recentResponses.count >= rate {
            start = max(start, recentResponses[recentResponses.count - rate] + .seconds(1))
        }
        if start > ContinuousClock.now { try await Task.sleep(until: start, clock: .continuous) }
        nextSlot = start + interval
    }

    /// When `chat` may get its next message, or nil when it may now. Each message of the chat
    /// put off is put off strictly later than the one before it, so the chat's messages still
    /// leave in the order they were queued (two put off to the same moment could swap).
    mutating func deferral(of chat: Int64, now: Date) -> Date? {
        guard let last = lastByChat[chat] else { return nil }
        let ready = last + perChat
        let current = ContinuousClock.now
        guard ready > current else { return nil }
        let remaining = ready - current
        var date = now.addingTimeInterval(Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
        if let previous = deferredByChat[chat], date <= previous.addingTimeInterval(0.001) {
            date = previous.addingTimeInterval(0.001)
        }
        deferredByChat[chat] = date
        return date
    }

    mutating func sent(to chat: Int64?) {
        recentResponses.append(ContinuousClock.now)
        if recentResponses.count > rate { recentResponses.removeFirst(recentResponses.count - rate) }
        guard let chat else { return }
        lastByChat[chat] = ContinuousClock.now
        if lastByChat.count > 10_000 {
            let cutoff = ContinuousClock.now - perChat
            lastByChat = lastByChat.filter { $0.value > cutoff }
            deferredByChat = deferredByChat.filter { lastByChat[$0.key] != nil }
        }
    }

    mutating func pause(for seconds: Int) {
        pausedUntil = ContinuousClock.now + .seconds(seconds)
    }

    func pausedUntilDate(now: Date) -> Date? {
        guard let pausedUntil, pausedUntil > ContinuousClock.now else { return nil }
        let remaining = pausedUntil - ContinuousClock.now
        return now.addingTimeInterval(Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
    }

    mutating func waitOutPause() async throws {
        if let pausedUntil, pausedUntil > ContinuousClock.now {
            try await Task.sleep(until: pausedUntil, clock: .continuous)
        }
        pausedUntil = nil
    }
}
