/// Reading `/proc/PID/stat` and `/proc/stat` text (pure: the caller reads the files).
public enum ProcStat {
    /// The fields of `/proc/PID/stat` after the command name, so `fields[0]` is the state (field 3 of the line,
    /// field N is `fields[N - 3]`):
    /// the name is in parentheses and may itself hold spaces and parentheses, so it is cut at the last `)`.
    public static func fields(_ line: String) -> [Substring] {
        guard let close = line.lastIndex(of: ")") else { return [] }
        return line[line.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\n" })
    }

    /// utime + stime + cutime + cstime of a process, in clock ticks: its own CPU time and that of the children it
    /// has waited for, so a container's total does not drop when one of its processes ends and is reaped.
    public static func cpuTicks(_ line: String) -> UInt64 {
        let f = fields(line)
        guard f.count > 14 else { return 0 }
        return f[11...14].reduce(0) { $0 + (UInt64($1) ?? 0) }  // fields 14 to 17 of the line
    }

    /// User and system ticks, each with those of reaped children (fields 14 and 16, 15 and 17).
    public static func modeTicks(_ line: String) -> (user: UInt64, system: UInt64) {
        let f = fields(line)
        guard f.count > 14 else { return (0, 0) }
        let n = { (i: Int) in UInt64(f[i]) ?? 0 }
        return (n(11) + n(13), n(12) + n(14))
    }

    /// The parent PID (field 4).
    public static func parentPID(_ line: String) -> String {
        let f = fields(line)
        return f.count > 1 ? String(f[1]) : "0"
    }

    /// When the process started, in clock ticks after boot (field 22).
    public static func startTicks(_ line: String) -> UInt64? {
        let f = fields(line)
        return f.count > 19 ? UInt64(f[19]) : nil
    }

    /// The machine's CPU time in clock ticks from the `cpu` line of `/proc/stat`: user, nice, system, idle, iowait,
    /// irq and softirq, the seven fields dockerd adds for `system_cpu_usage`.
    public static func systemTicks(_ procStat: String) -> UInt64? {
        guard let line = procStat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let numbers = line.split(separator: " ").dropFirst().prefix(7).compactMap { UInt64($0) }
        return numbers.count == 7 ? numbers.reduce(0, +) : nil
    }
}

extension ProcStat {
    /// Abbreviated month names, as `strftime("%b")` gives them in the C locale.
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A broken-down local time, the part `ps` looks at.
    public struct LocalTime: Equatable, Sendable {
        public var year: Int, month: Int, day: Int, dayOfYear: Int, hour: Int, minute: Int
        public init(year: Int, month: Int, day: Int, dayOfYear: Int, hour: Int, minute: Int) {
            self.year = year; self.month = month; self.day = day; self.dayOfYear = dayOfYear
            self.hour = hour; self.minute = minute
        }
    }

    /// `ps -ef`'s STIME: `HH:MM` for a process started today, `MonDD` for one started earlier this year, else the
    /// year (procps compares the day and year of the start with now, in local time).
    public static func startColumn(start: LocalTime, now: LocalTime) -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        if start.year != now.year { return String(start.year) }
        if start.dayOfYear != now.dayOfYear { return months[max(0, min(11, start.month - 1))] + two(start.day) }
        return two(start.hour) + ":" + two(start.minute)
    }

    /// `ps -ef`'s TIME: CPU seconds as `HH:MM:SS`, with `D-` in front past a day.
    public static func cpuTimeColumn(seconds: UInt64) -> String {
        func two(_ v: UInt64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let s = seconds % 60, m = seconds / 60 % 60, h = seconds / 3600 % 24, d = seconds / 86_400
        return (d > 0 ? "\(d)-" : "") + two(h) + ":" + two(m) + ":" + two(s)
    }

    /// `ps -ef`'s C: CPU use over the process's life in percent, capped at 99, from its utime + stime (in seconds)
    /// and its age (seconds).
    public static func cpuColumn(cpuSeconds: Double, age: Double) -> String {
        guard age > 0 else { return "0" }
        return String(min(99, Int(cpuSeconds * 100 / age)))
    }

    /// utime + stime of a process alone, in clock ticks (fields 14 and 15), what `ps` shows as TIME.
    public static func ownTicks(_ line: String) -> UInt64 {
        let f = fields(line)
        guard f.count > 12 else { return 0 }
        return (UInt64(f[11]) ?? 0) + (UInt64(f[12]) ?? 0)
    }

    /// The boot time in seconds since the epoch, from the `btime` line of `/proc/stat`.
    public static func bootTime(_ procStat: String) -> Int? {
        guard let line = procStat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }) else { return nil }
        return line.split(separator: " ").last.flatMap { Int($0) }
    }
}
