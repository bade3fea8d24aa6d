/// A QR code (ISO/IEC 18004, model 2) at error-correction level M, versions 1–6: enough for a
/// payment code or a short signed token, drawn on the server so the guest's phone needs nothing
/// but our page.
///
/// Digits use numeric mode (a six-digit code fits version 1, 21 × 21 modules); any other text is
/// UTF-8 in byte mode. The mask is chosen by the standard's penalty score.
public struct QRCode: Sendable, Equatable {
    /// `modules[row][column]`, `true` for dark.
    public let modules: [[Bool]]
    public let version: Int
    public let mask: Int

    public var size: Int { modules.count }

    /// Nil when the text does not fit version 6 (106 bytes, 255 digits).
    public init?(_ text: String) {
        let segment = Segment(text)
        guard let version = (1...QRVersion.highest).first(where: { segment.bitCount(version: $0) <= QRVersion($0).dataCodewords * 8 })
        else { return nil }
        let layout = QRVersion(version)
        let data = segment.codewords(version: version, capacity: layout.dataCodewords)
        var grid = QRGrid(version: version)
        grid.place(bits: layout.interleaved(data))
        let best = (0..<8).min { grid.masked($0).penalty < grid.masked($1).penalty } ?? 0
        self.modules = grid.masked(best).modules
        self.version = version
        self.mask = best
    }

    /// One module of the code, `true` for dark.
    public subscript(row: Int, column: Int) -> Bool { modules[row][column] }
}

/// The text as one segment: its mode, character count and data bits.
private struct Segment {
    let isNumeric: Bool
    let text: String

    init(_ text: String) {
        self.text = text
        self.isNumeric = !text.isEmpty && text.utf8.allSatisfy { (48...57).contains($0) }
    }

    /// The character count field is 10 bits in numeric mode and 8 in byte mode up to version 9.
    func bitCount(version: Int) -> Int {
        if isNumeric {
            let count = text.utf8.count
            return 4 + 10 + count / 3 * 10 + [0, 4, 7][count % 3]
        }
        return 4 + 8 + text.utf8.count * 8
    }

    func codewords(version: Int, capacity: Int) -> [UInt8] {
        var bits = BitBuffer()
        if isNumeric {
            let digits = text.utf8.map { Int($0) - 48 }
            bits.append(0b0001, count: 4)
            bits.append(digits.count, count: 10)
            var index = 0
            while index < digits.count {
                let group = digits[index..<min(index + 3, digits.count)]
                bits.append(group.reduce(0) { $0 * 10 + $1 }, count: [0, 4, 7, 10][group.count])
                index += 3
            }
        } else {
            bits.append(0b0100, count: 4)
            bits.append(text.utf8.count, count: 8)
            for byte in text.utf8 { bits.append(Int(byte), count: 8) }
        }
        let capacityBits = capacity * 8
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var bytes = bits.bytes
        var padding: UInt8 = 0xEC
        while bytes.count < capacity {
            bytes.append(padding)
            padding = padding == 0xEC ? 0x11 : 0xEC
        }
        return bytes
    }
}

private struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
    }
}

/// The block structure of a version at level M (the standard's table 9).
struct QRVersion {
    static let highest = 6
    private static let blocks: [(count: Int, dataPerBlock: Int, ecPerBlock: Int)] = [
        (1, 16, 10), (1, 28, 16), (1, 44, 26), (2, 32, 18), (2, 43, 24), (4, 27, 16),
    ]
    let number: Int

    init(_ number: Int) {
        self.number = number
    }

    var dataCodewords: Int { Self.blocks[number - 1].count * Self.blocks[number - 1].dataPerBlock }

    /// Data split into blocks, each with its Reed–Solomon codewords, interleaved column by column.
    func interleaved(_ data: [UInt8]) -> [UInt8] {
        let shape = Self.blocks[number - 1]
        let generator = ReedSolomon(degree: shape.ecPerBlock)
        let dataBlocks = (0..<shape.count).map { Array(data[$0 * shape.dataPerBlock..<($0 + 1) * shape.dataPerBlock]) }
        let ecBlocks = dataBlocks.map(generator.remainder)
        var result: [UInt8] = []
        for index in 0..<shape.dataPerBlock { for block in dataBlocks { result.append(block[index]) } }
        for index in 0..<shape.ecPerBlock { for block in ecBlocks { result.append(block[index]) } }
        return result
    }
}

/// Reed–Solomon error correction over GF(256) with the polynomial x⁸ + x⁴ + x³ + x² + 1.
struct ReedSolomon {
    let generator: [UInt8]

    init(degree: Int) {
        // (x − α⁰)(x − α¹)…(x − α^(degree−1)), highest coefficient (always 1) left out.
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                coefficients[index] = Self.multiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = Self.multiply(root, 0x02)
        }
        generator = coefficients
    }

    func remainder(_ data: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in result.indices { result[index] ^= Self.multiply(generator[index], factor) }
        }
        return result
    }

    static func multiply(_ left: UInt8, _ right: UInt8) -> UInt8 {
        var product = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            if (right >> bit) & 1 == 1 { product ^= Int(left) }
        }
        return UInt8(product & 0xFF)
    }
}
