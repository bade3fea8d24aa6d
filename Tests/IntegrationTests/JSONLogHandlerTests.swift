import Foundation
import Logging
import Runtime
import Synchronization
import Testing

@Suite struct JSONLogHandlerTests {
    final class Capture: Sendable {
        let lines = Mutex<[Data]>([])
    }

    @Test func eachEventIsOneJSONLineWithMetadata() throws {
        let capture = Capture()
        let output = JSONLogOutput { line in capture.lines.withLock { $0.append(line) } }
        var logger = Logger(label: "crema.test") { label in JSONLogHandler(label: label, level: .info, output: output) }
        logger[metadataKey: "request_id"] = "abc123"
        logger.info("sale \"confirmed\"\nsecond line", metadata: ["order_id": "42"])
        logger.debug("below the level")

        let lines = capture.lines.withLock { $0 }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["msg"] as? String == "sale \"confirmed\"\nsecond line")
        #expect(object["level"] as? String == "info")
        #expect(object["request_id"] as? String == "abc123")
        #expect(object["order_id"] as? String == "42")
        #expect(object["logger"] as? String == "crema.test")
        #expect((object["ts"] as? String)?.hasSuffix("Z") == true)
    }
}
