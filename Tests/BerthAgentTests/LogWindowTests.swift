@testable import BerthAgent
import BerthRuntime
import Testing

@Suite("docker logs --since/--until")
struct LogWindowTests {
    func entry(_ seconds: Int, _ nanoseconds: Int = 0) -> LogEntry {
        LogEntry(log: "x\n", stream: "stdout", time: Timestamp.format(seconds: seconds, nanoseconds: nanoseconds))
    }

    @Test func boundsAreInclusive() throws {
        let window = LogWindow(since: try LogWindow.bound("100.000000005", "since"),
                               until: try LogWindow.bound("2026-11-27T06:35:13Z", "until"))
        #expect(window.place(entry(100, 4)) == .before)
        #expect(window.place(entry(100, 5)) == .inside)
        #expect(window.place(entry(1_795_761_313)) == .inside)
        #expect(window.place(entry(1_795_761_313, 1)) == .after)
        #expect(window.isPast(Timestamp.Instant(seconds: 1_795_761_314, nanoseconds: 0)))
        #expect(!window.isPast(Timestamp.Instant(seconds: 1_795_761_313, nanoseconds: 0)))
    }

    @Test(arguments: [nil, "", "0", "0.000000000"])
    func zeroMeansNoBound(value: String?) throws {
        #expect(try LogWindow.bound(value, "since") == nil)
    }

    @Test func noBoundsKeepEverything() {
        let window = LogWindow(since: nil, until: nil)
        #expect(window.place(LogEntry(log: "x", stream: "stdout", time: "garbage")) == .inside)
        #expect(!window.isPast(Timestamp.Instant.now()))
    }

    @Test func aBadValueIsRefused() {
        #expect(throws: APIError.self) { try LogWindow.bound("yesterday", "since") }
    }
}
