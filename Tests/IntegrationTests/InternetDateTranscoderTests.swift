import Foundation
import OpenAPIRuntime
import Testing

@testable import Handlers

/// The partner API's hand-written dates are exactly what OpenAPI's default transcoder writes.
@Suite struct InternetDateTranscoderTests {
    @Test(arguments: [
        0, 1, 59.999, 59.9995, 59.9999999, 951_782_400, 1_796_000_000.25, 1_796_632_300, 4_102_444_799.9, -1, -62_135_596_800,
        253_402_300_799,
    ])
    func writesWhatTheDefaultWrites(_ seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(try InternetDateTranscoder().encode(date) == (try ISO8601DateTranscoder().encode(date)))
    }

    @Test func writesWhatTheDefaultWritesOverManyDays() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &generator))
            let (mine, theirs) = (try InternetDateTranscoder().encode(date), try ISO8601DateTranscoder().encode(date))
            #expect(mine == theirs, "\(date.timeIntervalSince1970)")
        }
    }

    @Test func readsWhatItWrites() throws {
        let date = Date(timeIntervalSince1970: 1_796_632_300)
        #expect(try InternetDateTranscoder().decode(try InternetDateTranscoder().encode(date)) == date)
    }
}
