import Foundation
import Synchronization

/// Randomness as a dependency: the system's cryptographic generator in production, a seeded
/// deterministic one in tests so codes and tokens can be predicted.
public struct RandomSource: Sendable {
    private let fill: @Sendable (inout [UInt8]) -> Void

    public init(fill: @escaping @Sendable (inout [UInt8]) -> Void) {
        self.fill = fill
    }

    public func bytes(_ count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        fill(&buffer)
        return buffer
    }

    public func hexString(byteCount: Int) -> String {
        bytes(byteCount).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    /// Base64url without padding: safe in URLs and in Telegram's deep-link payloads.
    public func urlSafeToken(byteCount: Int) -> String {
        Data(bytes(byteCount)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A uniformly distributed number in `range`, without modulo bias.
    public func number(in range: ClosedRange<UInt64>) -> UInt64 {
        var generator = Generator(source: self)
        return UInt64.random(in: range, using: &generator)
    }

    public static let system = RandomSource { buffer in
        var generator = SystemRandomNumberGenerator()
        for index in buffer.indices { buffer[index] = UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// SplitMix64 from a seed: the same seed gives the same sequence on every machine.
    public static func seeded(_ seed: UInt64) -> RandomSource {
        let state = Mutex(seed)
        return RandomSource { buffer in
            state.withLock { state in
                for index in buffer.indices {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    buffer[index] = UInt8(truncatingIfNeeded: z ^ (z >> 31))
                }
            }
        }
    }

    private struct Generator: RandomNumberGenerator {
        let source: RandomSource
        mutating func next() -> UInt64 {
            source.bytes(8).reduce(0) { ($0 << 8) | UInt64($1) }
        }
    }
}
