import Crypto
import Foundation

public enum ConstantTime {
    /// Compares two secrets without leaking, through timing, how much of them matched or how
    /// long the expected one is: both sides are hashed, then every byte of the digests compared.
    public static func equals(_ given: String, _ expected: String) -> Bool {
        let left = Array(SHA256.hash(data: Data(given.utf8)))
        let right = Array(SHA256.hash(data: Data(expected.utf8)))
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}
