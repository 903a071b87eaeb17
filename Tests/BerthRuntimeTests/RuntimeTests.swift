import BerthRuntime
import Foundation
import Testing

@Suite struct RuntimeTests {
    @Test func frameHeaderIsBigEndian() {
        #expect(StreamFrame.header(stream: 2, count: 0x010203) == [2, 0, 0, 0, 0, 1, 2, 3])
    }

    @Test func logEntriesSplitPerLine() {
        let entries = LogEntry.entries(from: Array("a\nbc\nd".utf8), stream: "stdout", time: "t")
        #expect(entries.map(\.log) == ["a\n", "bc\n", "d"])
    }

    @Test func timestampsHaveNanoseconds() {
        #expect(Timestamp.format(seconds: 0, nanoseconds: 5) == "1970-01-01T00:00:00.000000005Z")
    }

    @Test func digestOfEmptyData() {
        #expect(Digest.sha256(Data()) == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func shimRequestRoundTrips() throws {
        let request = ShimRequest(op: .resize, execID: "e", rows: 10, cols: 20)
        let decoded = try JSONDecoder().decode(ShimRequest.self, from: JSONEncoder().encode(request))
        #expect(decoded.op == .resize && decoded.rows == 10 && decoded.execID == "e")
    }
}
