/// The module grid of a QR code: function patterns, data in the zigzag order, masks and format
/// information, and the penalty score that picks the mask.
struct QRGrid {
    private(set) var modules: [[Bool]]
    private var isFunction: [[Bool]]
    let version: Int
    var size: Int { modules.count }

    init(version: Int) {
        let size = version * 4 + 17
        self.version = version
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        drawFunctionPatterns()
    }

    private mutating func set(row: Int, column: Int, _ dark: Bool) {
        modules[row][column] = dark
        isFunction[row][column] = true
    }

    private mutating func drawFunctionPatterns() {
        for index in 0..<size {
            set(row: 6, column: index, index % 2 == 0)
            set(row: index, column: 6, index % 2 == 0)
        }
        drawFinder(row: 3, column: 3)
        drawFinder(row: 3, column: size - 4)
        drawFinder(row: size - 4, column: 3)
        if version > 1 {
            // Versions 2–6 have one alignment pattern, near the bottom-right corner.
            let center = size - 7
            for dy in -2...2 {
                for dx in -2...2 { set(row: center + dy, column: center + dx, max(abs(dx), abs(dy)) != 1) }
            }
        }
        // Reserves the format areas; `drawFormat` writes them once the mask is known.
        drawFormat(mask: 0)
    }

    /// A finder with its light separator, clipped at the edges.
    private mutating func drawFinder(row: Int, column: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let (y, x) = (row + dy, column + dx)
                guard (0..<size).contains(y), (0..<size).contains(x) else { continue }
                let distance = max(abs(dx), abs(dy))
                set(row: y, column: x, distance != 2 && distance != 4)
            }
        }
    }

    /// Format information (level M, the mask) in its two copies, and the dark module.
    private mutating func drawFormat(mask: Int) {
        let data = 0b00 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(row: index, column: 8, bit(index)) }
        set(row: 7, column: 8, bit(6))
        set(row: 8, column: 8, bit(7))
        set(row: 8, column: 7, bit(8))
        for index in 9..<15 { set(row: 8, column: 14 - index, bit(index)) }
        for index in 0..<8 { set(row: 8, column: size - 1 - index, bit(index)) }
        for index in 8..<15 { set(row: size - 15 + index, column: 8, bit(index)) }
        set(row: size - 8, column: 8, true)
    }

    /// Data and error-correction codewords, most significant bit first, up and down the column
    /// pairs from the right; the timing column is skipped. Leftover modules stay light.
    mutating func place(bits codewords: [UInt8]) {
        let bits: [Bool] = codewords.flatMap { byte in (0..<8).map { (byte >> (7 - $0)) & 1 == 1 } }
        var next = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let row = upward ? size - 1 - step : step
                for column in [right, right - 1] where !isFunction[row][column] && next < bits.count {
                    modules[row][column] = bits[next]
                    next += 1
                }
            }
            right -= 2
        }
    }

    func masked(_ mask: Int) -> QRGrid {
        var copy = self
        for row in 0..<size {
            for column in 0..<size where !isFunction[row][column] && Self.inverts(mask: mask, row: row, column: column) {
                copy.modules[row][column].toggle()
            }
        }
        copy.drawFormat(mask: mask)
        return copy
    }

    private static func inverts(mask: Int, row y: Int, column x: Int) -> Bool {
        switch mask {
        case 0: return (x + y) % 2 == 0
        case 1: return y % 2 == 0
        case 2: return x % 3 == 0
        case 3: return (x + y) % 3 == 0
        case 4: return (x / 3 + y / 2) % 2 == 0
        case 5: return x * y % 2 + x * y % 3 == 0
        case 6: return (x * y % 2 + x * y % 3) % 2 == 0
        default: return ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    /// The standard's four penalties: long runs, 2 × 2 blocks, finder look-alikes, and an
    /// unbalanced share of dark modules.
    var penalty: Int {
        var score = 0
        let columns = (0..<size).map { column in modules.map { $0[column] } }
        for line in modules + columns {
            var run = 1
            for index in 1..<line.count {
                if line[index] == line[index - 1] {
                    run += 1
                } else {
                    if run >= 5 { score += run - 2 }
                    run = 1
                }
            }
            if run >= 5 { score += run - 2 }
            score += 40 * Self.finderLookAlikes(in: line)
        }
        for row in 0..<size - 1 {
            for column in 0..<size - 1 {
                let color = modules[row][column]
                if modules[row][column + 1] == color && modules[row + 1][column] == color && modules[row + 1][column + 1] == color {
                    score += 3
                }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        score += ((abs(dark * 20 - total * 10) + total - 1) / total - 1) * 10
        return score
    }

    /// Dark-light-dark-dark-dark-light-dark with four light modules on one side.
    private static func finderLookAlikes(in line: [Bool]) -> Int {
        let pattern = [true, false, true, true, true, false, true, false, false, false, false]
        let reversed = Array(pattern.reversed())
        var count = 0
        guard line.count >= pattern.count else { return 0 }
        for start in 0...(line.count - pattern.count) {
            let window = Array(line[start..<start + pattern.count])
            if window == pattern || window == reversed { count += 1 }
        }
        return count
    }
}
