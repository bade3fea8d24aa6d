import Crypto
import Foundation
import Hummingbird
import NIOCore

/// A partner's server for webhook tests: a real HTTP server on 127.0.0.1 that records every
/// delivery (headers and raw body) and can answer 500, or stall past the sender's timeout, or be
/// "down" (503) until told otherwise.
public final class WebhookReceiver: Sendable {
    public struct Delivery: Sendable {
        public let body: Data
        public let signature: String
        public let eventID: String
        public let status: Int

        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        public var type: String { json["type"] as? String ?? "" }
        public var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    }

    public enum Answer: Sendable {
        case serverError
        case stall(Duration)
    }

    public actor State {
        var deliveries: [Delivery] = []
        var planned: [Answer] = []
        var down = false
        var arrivals = 0

        func next() -> Answer? {
            arrivals += 1
            if down { return .serverError }
            return planned.isEmpty ? nil : planned.removeFirst()
        }

        func record(_ delivery: Delivery) { deliveries.append(delivery) }
        func plan(_ answers: [Answer]) { planned += answers }
        func setDown(_ value: Bool) { down = value }
    }

    public let url: URL
    let state: State

    init(url: URL, state: State) {
        self.url = url
        self.state = state
    }

    /// Every delivery that reached the receiver, in arrival order, answered or not.
    public func deliveries() async -> [Delivery] { await state.deliveries }
    /// Those answered 2xx.
    public func accepted() async -> [Delivery] { await state.deliveries.filter { (200..<300).contains($0.status) } }
    public func answerNext(_ answers: Answer...) async { await state.plan(answers) }
    /// Requests that reached the receiver so far, including those still waiting for an answer.
    public func arrivals() async -> Int { await state.arrivals }
    public func setDown(_ down: Bool) async { await state.setDown(down) }

    /// Waits until `count` deliveries were accepted, or `timeout` passed.
    public func accepted(atLeast count: Int, within timeout: Duration = .seconds(30)) async throws -> [Delivery] {
        let end = ContinuousClock.now + timeout
        while await accepted().count < count, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        return await accepted()
    }

    /// What a receiver does with `Crema-Signature`: recompute the HMAC over "t.body" and compare;
    /// nil when it matches and the timestamp is within `tolerance` of `now`.
    public static func verify(_ delivery: Delivery, secret: String, now: Date, tolerance: TimeInterval = 300) -> String? {
        var fields: [String: String] = [:]
        for part in delivery.signature.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let t = fields["t"], let seconds = Int64(t), let v1 = fields["v1"] else { return "malformed header" }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { return "too old" }
        var signed = Data("\(t).".utf8)
        signed.append(delivery.body)
        let expected = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
        return expected == v1 ? nil : "signature mismatch"
    }

    public static func withRunning<Result: Sendable>(_ body: @Sendable (WebhookReceiver) async throws -> Result) async throws -> Result {
        let state = State()
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        router.post("/hooks") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let answer = await state.next()
            var status = 200
            var recorded: Int?
            switch answer {
            case .serverError?: status = 500
            case .stall(let duration)?:
                // The sender gave up waiting: no answer reached it.
                try? await Task.sleep(for: duration)
                recorded = 0
            case nil: break
            }
            await state.record(
                Delivery(
                    body: Data(bytes.readableBytesView), signature: request.headers[.init("Crema-Signature")!] ?? "",
                    eventID: request.headers[.init("Crema-Event-Id")!] ?? "", status: recorded ?? status))
            return Response(status: .init(code: status))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            guard let port = await portStream.first(where: { _ in true }), port > 0 else {
                throw TestHarnessError("the webhook receiver did not start")
            }
            return try await body(WebhookReceiver(url: URL(string: "http://127.0.0.1:\(port)/hooks")!, state: state))
        }
    }
}
