import Foundation
import Testing

@testable import Runtime

/// The QR encoder against the standard's worked example and against a real decoder (zbarimg,
/// which scripts/test.sh installs from Debian).
@Suite struct QRCodeTests {
    @Test func errorCorrectionMatchesTheStandardsWorkedExample() {
        // "HELLO WORLD" at 1-M: the data codewords and the ten error-correction codewords the
        // standard's annex (and every QR tutorial) works out by hand.
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon(degree: 10).remainder(data) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test func aPaymentCodeFitsVersionOne() throws {
        let qr = try #require(QRCode("012345"))
        #expect(qr.version == 1)
        #expect(qr.size == 21)
        // The three finders' dark corners and the always-dark module.
        #expect(qr[0, 0] && qr[0, 20] && qr[20, 0] && qr[13, 8])
        #expect(!qr[7, 7] && !qr[7, 13] && !qr[13, 7])
    }

    @Test func textTooLongForVersionSixIsRefused() {
        #expect(QRCode(String(repeating: "x", count: 106)) != nil)
        #expect(QRCode(String(repeating: "x", count: 107)) == nil)
    }

    @Test(arguments: ["000000", "976444", "123456", "https://crema.example/miniapp/card", "Оплата 450 ₽ · crema"])
    func aRealDecoderReadsWhatWasEncoded(text: String) throws {
        guard let zbarimg = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first(where: FileManager.default.isExecutableFile) else {
            Issue.record("zbarimg is missing: scripts/test.sh installs zbar-tools")
            return
        }
        let qr = try #require(QRCode(text))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pbm")
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.bitmap(qr, scale: 8).write(to: file, atomically: true, encoding: .ascii)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zbarimg)
        process.arguments = ["--quiet", "--raw", "-Sbinary", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let decoded = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(decoded.trimmingCharacters(in: .newlines) == text)
    }

    /// A plain PBM image with the four-module quiet zone.
    static func bitmap(_ qr: QRCode, scale: Int) -> String {
        let side = (qr.size + 8) * scale
        var lines = ["P1", "\(side) \(side)"]
        for y in 0..<side {
            let row = y / scale - 4
            lines.append(
                (0..<side).map { x in
                    let column = x / scale - 4
                    let dark = (0..<qr.size).contains(row) && (0..<qr.size).contains(column) && qr[row, column]
                    return dark ? "1" : "0"
                }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
