/// One line of a json-file log, as docker's json-file driver writes it.
public struct LogEntry: Codable, Sendable, Equatable {
    public var log: String
    public var stream: String
    public var time: String

    public init(log: String, stream: String, time: String) {
        self.log = log
        self.stream = stream
        self.time = time
    }

    /// Splits a chunk of output into entries, one per line (the last one possibly without its newline).
    public static func entries(from bytes: [UInt8], stream: String, time: String) -> [LogEntry] {
        var result: [LogEntry] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            result.append(LogEntry(log: String(decoding: bytes[start...i], as: UTF8.self), stream: stream, time: time))
            start = i + 1
        }
        if start < bytes.count {
            result.append(LogEntry(log: String(decoding: bytes[start...], as: UTF8.self), stream: stream, time: time))
        }
        return result
    }
}
