/// Bind propagation (`rprivate`, `private`, `rshared`, `shared`, `rslave`, `slave`), as dockerd checks and applies
/// it. Pure: the caller hands in `/proc/self/mountinfo`.
public enum MountPropagation {
    public static let modes: Set<String> = ["private", "rprivate", "shared", "rshared", "slave", "rslave"]
    /// dockerd's default for binds.
    public static let defaultMode = "rprivate"

    /// One line of `/proc/self/mountinfo`: where it is mounted and its propagation fields (`shared:N`, `master:N`).
    public struct Entry: Equatable, Sendable {
        public var mountPoint: String
        public var shared: Bool
        public var slave: Bool
    }

    /// The entries of a mountinfo text (mount points unescaped: `\040` is a space).
    public static func parse(_ mountinfo: String) -> [Entry] {
        mountinfo.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 7, let dash = fields.firstIndex(of: "-"), dash >= 6 else { return nil }
            let optional = fields[6..<dash]
            return Entry(mountPoint: unescape(String(fields[4])),
                         shared: optional.contains { $0.hasPrefix("shared:") },
                         slave: optional.contains { $0.hasPrefix("master:") })
        }
    }

    /// The mount `path` lies on: the last-mounted entry with the longest mount point that contains it.
    public static func mount(of path: String, in entries: [Entry]) -> Entry? {
        var best: Entry?
        for entry in entries where contains(entry.mountPoint, path) {
            if best == nil || entry.mountPoint.count >= best!.mountPoint.count { best = entry }
        }
        return best
    }

    /// dockerd's refusal of a bind whose propagation the source's mount cannot carry: shared needs a shared
    /// mount, slave a shared or slave one. Nil when it can.
    public static func problem(source: String, mode: String, entries: [Entry]) -> String? {
        guard let on = mount(of: source, in: entries) else { return nil }
        switch mode {
        case "shared", "rshared" where !on.shared:
            return "path \(source) is mounted on \(on.mountPoint) but it is not a shared mount"
        case "slave", "rslave" where !on.shared && !on.slave:
            return "path \(source) is mounted on \(on.mountPoint) but it is not a shared or slave mount"
        default:
            return nil
        }
    }

    static func contains(_ mountPoint: String, _ path: String) -> Bool {
        mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count,
               let value = UInt8(String(decoding: bytes[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                out.append(value)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
