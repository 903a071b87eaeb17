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

    @Test func procStatFieldsAfterAParenthesisedName() {
        // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17) ... starttime(22)
        let line = "42 (a) b) c) S 7 42 42 0 -1 4194304 99 0 0 0 100 20 3 4 20 0 1 0 2404038 3133440 381\n"
        #expect(ProcStat.parentPID(line) == "7")
        #expect(ProcStat.cpuTicks(line) == 127)
        #expect(ProcStat.startTicks(line) == 2404038)
        #expect(ProcStat.cpuTicks("garbage") == 0)
    }

    @Test func systemTicksAddSevenFieldsOfTheCPULine() {
        let stat = "cpu  10 1 20 300 4 5 6 7 0 0\ncpu0 5 0 10 150 2 2 3 3 0 0\nintr 1\n"
        #expect(ProcStat.systemTicks(stat) == 346)
        #expect(ProcStat.systemTicks("intr 1\n") == nil)
    }

    /// `since`/`until` as the CLI sends them (Unix seconds with nine fraction digits) and as RFC 3339.
    @Test(arguments: [
        ("1795761313.000000005", 1_795_761_313, 5),
        ("1795761313", 1_795_761_313, 0),
        ("1795761313.5", 1_795_761_313, 500_000_000),
        ("2026-11-27T06:35:13.123456789Z", 1_795_761_313, 123_456_789),
        ("2026-11-27T06:35:13Z", 1_795_761_313, 0),
        ("2026-11-27T07:35:13.5+01:00", 1_795_761_313, 500_000_000),
        ("1970-01-01T00:00:00.0000000051Z", 0, 5),
        ("2000-02-29T00:00:00Z", 951_782_400, 0),
    ])
    func timestampsParse(text: String, seconds: Int, nanoseconds: Int) {
        #expect(Timestamp.parse(text) == Timestamp.Instant(seconds: seconds, nanoseconds: nanoseconds))
    }

    @Test(arguments: ["", "abc", "1795761313.", "1795761313.x", "2026-11-27", "2026-11-27T06:35:13", "2026-13-01T00:00:00Z",
                      "2026-11-27T06:35:13Zjunk"])
    func badTimestampsDoNotParse(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formattedTimestampsParseBack() {
        let text = Timestamp.format(seconds: 1_795_761_313, nanoseconds: 42)
        #expect(Timestamp.parse(text) == Timestamp.Instant(seconds: 1_795_761_313, nanoseconds: 42))
    }

    /// `ps -ef` columns: STIME by how long ago the process started, TIME with days, C capped at 99.
    @Test func psColumns() {
        let now = ProcStat.LocalTime(year: 2026, month: 11, day: 27, dayOfYear: 330, hour: 12, minute: 5)
        #expect(ProcStat.startColumn(start: .init(year: 2026, month: 11, day: 27, dayOfYear: 330, hour: 9, minute: 7),
                                     now: now) == "09:07")
        #expect(ProcStat.startColumn(start: .init(year: 2026, month: 6, day: 6, dayOfYear: 156, hour: 9, minute: 7),
                                     now: now) == "Jun06")
        #expect(ProcStat.startColumn(start: .init(year: 2025, month: 11, day: 27, dayOfYear: 330, hour: 9, minute: 7),
                                     now: now) == "2025")
        #expect(ProcStat.cpuTimeColumn(seconds: 0) == "00:00:00")
        #expect(ProcStat.cpuTimeColumn(seconds: 3_725) == "01:02:05")
        #expect(ProcStat.cpuTimeColumn(seconds: 90_061) == "1-01:01:01")
        #expect(ProcStat.cpuColumn(cpuSeconds: 1, age: 4) == "25")
        #expect(ProcStat.cpuColumn(cpuSeconds: 5, age: 4) == "99")
        #expect(ProcStat.cpuColumn(cpuSeconds: 0, age: 0) == "0")
        #expect(ProcStat.ownTicks("42 (a) S 7 42 42 0 -1 4194304 99 0 0 0 100 20 3 4 20 0 1 0 5") == 120)
        #expect(ProcStat.bootTime("cpu  1 2\nbtime 1795700000\nprocesses 5\n") == 1_795_700_000)
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
