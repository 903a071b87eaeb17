import Glibc

/// RFC 3339 timestamps with nanoseconds in UTC, as docker writes them (`2026-11-27T06:35:13.123456789Z`).
public enum Timestamp {
    public static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return format(seconds: ts.tv_sec, nanoseconds: Int(ts.tv_nsec))
    }

    public static func format(seconds: Int, nanoseconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let ns = String(nanoseconds)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: max(0, 9 - ns.count)) + ns + "Z"
    }
}

extension Timestamp {
    /// An instant as seconds and nanoseconds since the Unix epoch; ordered, so log times compare directly.
    public struct Instant: Comparable, Sendable, Equatable {
        public var seconds: Int
        public var nanoseconds: Int

        public init(seconds: Int, nanoseconds: Int) {
            self.seconds = seconds
            self.nanoseconds = nanoseconds
        }

        /// The real-time clock.
        public static func now() -> Instant {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            return Instant(seconds: ts.tv_sec, nanoseconds: Int(ts.tv_nsec))
        }

        public static func < (a: Instant, b: Instant) -> Bool {
            (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
        }
    }

    /// Reads what `since`/`until` carry: the Unix `SECONDS[.FRACTION]` the docker CLI sends (it turns RFC 3339
    /// times and durations into that), or an RFC 3339 time (`2026-11-27T06:35:13.5Z`, `...+01:00`) as other
    /// clients may send. Nil when it is neither.
    public static func parse(_ text: String) -> Instant? {
        if let unix = parseUnix(Substring(text)) { return unix }
        return parseRFC3339(Substring(text))
    }

    static func parseUnix(_ text: Substring) -> Instant? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, first.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }),
              let seconds = Int(first) else { return nil }
        guard parts.count == 2 else { return Instant(seconds: seconds, nanoseconds: 0) }
        guard let nanoseconds = fraction(parts[1]) else { return nil }
        return Instant(seconds: seconds, nanoseconds: nanoseconds)
    }

    /// Up to nine digits after the point, as nanoseconds (further digits are dropped, as Go truncates).
    static func fraction(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let nine = String(digits.prefix(9))
        return Int(nine + String(repeating: "0", count: 9 - nine.count))
    }

    static func parseRFC3339(_ text: Substring) -> Instant? {
        let chars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= chars.count else { return nil }
            var value = 0
            for c in chars[from..<from + count] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < chars.count && chars[i] == c.asciiValue! }
        guard let year = number(0, 4), at(4, "-"), let month = number(5, 2), at(7, "-"), let day = number(8, 2),
              at(10, "T") || at(10, "t") || at(10, " "), let hour = number(11, 2), at(13, ":"),
              let minute = number(14, 2), at(16, ":"), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var nanoseconds = 0
        if at(i, ".") {
            var end = i + 1
            while end < chars.count, chars[end] >= 48, chars[end] <= 57 { end += 1 }
            guard let ns = fraction(Substring(String(decoding: chars[(i + 1)..<end], as: UTF8.self))) else { return nil }
            nanoseconds = ns
            i = end
        }
        var offset = 0
        if at(i, "Z") || at(i, "z") {
            i += 1
        } else if at(i, "+") || at(i, "-"), let h = number(i + 1, 2), at(i + 3, ":"), let m = number(i + 4, 2) {
            offset = (at(i, "+") ? 1 : -1) * (h * 3600 + m * 60)
            i += 6
        } else {
            return nil
        }
        guard i == chars.count else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Instant(seconds: seconds - offset, nanoseconds: nanoseconds)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
