import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One key line of an OpenSSH known_hosts file:
/// `[@marker] pattern[,pattern...] keytype base64 [comment]`.
public struct KnownHostsEntry: Equatable, Sendable {
    /// `@cert-authority` or `@revoked`, when present.
    public var marker: String?
    /// Host patterns, e.g. `host`, `[10.0.0.2]:2222`, `*.lab`, `!bad.lab`, or a hashed `|1|...` name.
    public var patterns: [String]
    public var key: HostKey
    public var comment: String?

    public init(patterns: [String], key: HostKey, marker: String? = nil, comment: String? = nil) {
        self.patterns = patterns
        self.key = key
        self.marker = marker
        self.comment = comment
    }

    /// Parses a line; nil for blank lines, comments and anything malformed.
    public init?(line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
        var fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var marker: String?
        if let first = fields.first, first.hasPrefix("@") {
            marker = first
            fields.removeFirst()
        }
        guard fields.count >= 3, let key = HostKey(type: fields[1], base64: fields[2]) else { return nil }
        self.init(patterns: fields[0].split(separator: ",").map(String.init), key: key, marker: marker,
                  comment: fields.count > 3 ? fields[3...].joined(separator: " ") : nil)
    }

    /// The line as written to the file.
    public var line: String {
        var parts: [String] = []
        if let marker { parts.append(marker) }
        parts.append(patterns.joined(separator: ","))
        parts.append(key.type)
        parts.append(key.base64)
        if let comment, !comment.isEmpty { parts.append(comment) }
        return parts.joined(separator: " ")
    }

    /// Whether `hostPattern` (as made by `KnownHostsFile.hostPattern`) is one of this line's hosts:
    /// some pattern matches it (`*` and `?` wildcards, case-insensitive) and no `!` pattern does.
    /// Hashed names are not matched.
    public func matches(_ hostPattern: String) -> Bool {
        let name = hostPattern.lowercased()
        var matched = false
        for raw in patterns {
            let negated = raw.hasPrefix("!")
            let pattern = (negated ? String(raw.dropFirst()) : raw).lowercased()
            guard !pattern.hasPrefix("|") else { continue }
            let hit = pattern == name || (pattern.contains(where: { $0 == "*" || $0 == "?" })
                                          && fnmatch(pattern, name, 0) == 0)
            if hit {
                if negated { return false }
                matched = true
            }
        }
        return matched
    }
}
