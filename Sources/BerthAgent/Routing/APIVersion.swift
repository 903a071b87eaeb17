/// An Engine API version such as `1.47`, ordered numerically (1.9 < 1.24).
public struct APIVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `1.47` or `1`; nil for anything else (empty parts, signs, letters, overflow, a third part).
    public init?(_ text: Substring) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 9 && $0.utf8.allSatisfy { (48...57).contains($0) } }),
              let major = Int(parts[0]) else { return nil }
        self.major = major
        self.minor = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
    }

    public init?(_ text: String) {
        self.init(Substring(text))
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
