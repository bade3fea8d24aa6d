import Crypto
import Foundation

/// How a delivery is signed, in the style of Stripe's: the header
/// `Crema-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>`.
/// A receiver recomputes the HMAC over the timestamp and the raw body, compares in constant time,
/// and refuses a timestamp older than five minutes (a replay).
public enum WebhookSignature {
    public static let headerName = "Crema-Signature"

    public static func header(secret: String, timestamp: Date, body: Data) -> String {
        let seconds = Int64(timestamp.timeIntervalSince1970.rounded(.down))
        return "t=\(seconds),v1=\(hex(secret: secret, seconds: seconds, body: body))"
    }

    static func hex(secret: String, seconds: Int64, body: Data) -> String {
        var signed = Data("\(seconds).".utf8)
        signed.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
