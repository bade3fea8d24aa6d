import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Store

/// Delivers partner webhooks: signed JSON, at least once, in order per guest and endpoint,
/// retried with growing pauses for 24 hours, then given up (and the endpoint switched off, the
/// managers told). Every instance may run it: deliveries are claimed under row locks.
public struct WebhookSender: Sendable {
    public struct Settings: Sendable {
        public var batchSize = 20
        public var timeout: TimeAmount = .seconds(10)
        /// How long a claimed delivery is held before another instance may take it.
        public var lease: TimeInterval = 60
        public var firstBackoff: TimeInterval = 10
        public var maximumBackoff: TimeInterval = 3_600
        /// How long a delivery is retried before it fails for good.
        public var giveUpAfter: TimeInterval = 24 * 3_600

        public init() {}
    }

    let queue: WebhookQueue
    let address: WebhookAddress
    let clock: AppClock
    let settings: Settings
    let logger: Logger
    /// The managers' alert when an endpoint is switched off, encoded for the staff outbox.
    let alert: @Sendable (_ url: String, _ error: String) -> String

    public init(
        queue: WebhookQueue, address: WebhookAddress, clock: AppClock, settings: Settings = .init(), logger: Logger,
        alert: @escaping @Sendable (_ url: String, _ error: String) -> String
    ) {
        self.queue = queue
        self.address = address
        self.clock = clock
        self.settings = settings
        self.logger = logger
        self.alert = alert
    }

    /// Sends what is due until nothing is, over a client of its own that never follows a
    /// redirect (a redirect could lead to an internal address); returns how many deliveries
    /// were attempted.
    @discardableResult
    public func sendDue() async throws -> Int {
        let configuration = HTTPClient.Configuration(
            certificateVerification: .fullVerification, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: settings.timeout))
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let attempted = try await sendDue(using: http)
            try await http.shutdown()
            return attempted
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    func sendDue(using http: HTTPClient) async throws -> Int {
        var attempted = 0
        while true {
            let due = try await queue.claimDue(limit: settings.batchSize, now: clock.now, lease: settings.lease)
            guard !due.isEmpty else { return attempted }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for delivery in due { group.addTask { try await send(delivery, using: http) } }
                try await group.waitForAll()
            }
            attempted += due.count
        }
    }

    /// The body a receiver gets: the event id to deduplicate by, its type and time, and the object.
    public static func body(of delivery: DueWebhookDelivery) -> Data {
        let created = ISO8601DateFormatter().string(from: delivery.occurredAt)
        return Data(
            #"{"id":"\#(delivery.eventID)","type":"\#(delivery.type)","created_at":"\#(created)","data":\#(delivery.data)}"#.utf8)
    }

    func send(_ delivery: DueWebhookDelivery, using http: HTTPClient) async throws {
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let duration = ContinuousClock.now - started
            return Int(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        var statusCode: Int?
        let failure: String
        do {
            let url = try address.check(delivery.url)
            let body = Self.body(of: delivery)
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Crema-Webhooks/1")
            request.headers.add(name: "Crema-Event-Id", value: delivery.eventID)
            request.headers.add(name: "Crema-Event-Type", value: delivery.type)
            request.headers.add(
                name: WebhookSignature.headerName, value: WebhookSignature.header(secret: delivery.secret, timestamp: clock.now, body: body)
            )
            request.body = .bytes(ByteBuffer(data: body))
            let response = try await http.execute(request, timeout: settings.timeout)
            statusCode = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) {
                return try await queue.delivered(delivery.id, statusCode: Int(response.status.code), duration: elapsed(), at: clock.now)
            }
            failure = "HTTP \(response.status.code)"
        } catch let refusal as WebhookAddress.Refusal {
            failure = "refused: \(refusal)"
        } catch {
            failure = Self.describe(error)
        }
        try await retryOrGiveUp(delivery, statusCode: statusCode, error: failure, duration: elapsed())
    }

    private func retryOrGiveUp(_ delivery: DueWebhookDelivery, statusCode: Int?, error: String, duration: Int) async throws {
        let now = clock.now
        logger.warning(
            "webhook delivery failed",
            metadata: [
                "delivery": "\(delivery.id)", "endpoint": "\(delivery.endpointID)", "error": "\(error)", "attempt": "\(delivery.attempts)",
            ])
        if now.timeIntervalSince(delivery.queuedAt) >= settings.giveUpAfter {
            logger.error("webhook delivery given up; endpoint switched off", metadata: ["endpoint": "\(delivery.endpointID)"])
            return try await queue.giveUp(
                delivery, statusCode: statusCode, error: error, duration: duration, alert: alert(delivery.url, error), at: now)
        }
        let backoff = min(settings.maximumBackoff, settings.firstBackoff * pow(3, Double(max(0, delivery.attempts - 1))))
        try await queue.retry(delivery.id, at: now.addingTimeInterval(backoff), statusCode: statusCode, error: error, duration: duration)
    }

    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            default: return "\(client)"
            }
        }
        return String(describing: error).prefix(200).description
    }
}
