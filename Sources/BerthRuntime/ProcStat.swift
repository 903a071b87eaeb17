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
