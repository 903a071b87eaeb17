import Glibc

/// The commit and build time `/version` reports, derived once from the version string and the executable.
struct BuildFacts: Sendable {
    var gitCommit: String
    /// RFC 3339; the modification time of the running executable, the closest cheap stand-in for a build time.
    var buildTime: String

    static let current = BuildFacts(gitCommit: commit(in: AgentBuild.version), buildTime: executableTime())

    /// The commit inside versions like `0.1.0-1a2b3c4d[-dirty]` or `v0.2.0-3-g1a2b3c4`, else `unknown`.
    static func commit(in version: String) -> String {
        for part in version.split(separator: "-").dropFirst().reversed() {
            let hex = part.hasPrefix("g") && part.count > 7 ? part.dropFirst() : part
            if hex.count >= 7, hex.allSatisfy(\.isHexDigit) { return String(hex) }
        }
        return "unknown"
    }

    private static func executableTime() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "" }
        return RFC3339.format(seconds: Int(info.st_mtim.tv_sec), nanoseconds: 0)
    }
}
