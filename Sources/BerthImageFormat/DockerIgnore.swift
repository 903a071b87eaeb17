/// `.dockerignore` rules: Go `filepath.Match` patterns per path segment plus `**`, `!` exceptions, the last
/// matching rule wins, and a rule that matches a directory excludes what is under it.
public struct DockerIgnore: Sendable {
    struct Rule: Sendable {
        var segments: [String]
        var exception: Bool
    }

    var rules: [Rule] = []

    public init(_ text: String) {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = String(raw.trimmed())
            if line.isEmpty || line.hasPrefix("#") { continue }
            var exception = false
            if line.hasPrefix("!") {
                exception = true
                line = String(line.dropFirst().trimmed())
            }
            let cleaned = TarEntry.clean(line)
            if cleaned == "." { continue }
            rules.append(Rule(segments: cleaned.split(separator: "/").map(String.init), exception: exception))
        }
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// True when `path` (relative to the context, `/`-separated) is excluded.
    public func excludes(_ path: String) -> Bool {
        let parts = TarEntry.clean(path).split(separator: "/").map(String.init)
        var excluded = false
        for rule in rules {
            // a rule matches the path itself or any of its parent directories
            var matched = false
            for length in stride(from: parts.count, through: 1, by: -1) {
                if Self.match(rule.segments[...], parts[0..<length]) { matched = true; break }
            }
            if matched { excluded = !rule.exception }
        }
        return excluded
    }

    static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            for skip in 0...path.count where match(rest, path.dropFirst(skip)) { return true }
            return false
        }
        guard let segment = path.first, Glob.match(first, segment) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }
}

/// Go's `filepath.Match` for one path segment: `*`, `?`, `[...]` classes with ranges and `^`/`!`, `\` escapes.
public enum Glob {
    public static func match(_ pattern: String, _ name: String) -> Bool {
        matchChars(Array(pattern)[...], Array(name)[...])
    }

    public static func hasMeta(_ pattern: String) -> Bool {
        pattern.contains { "*?[\\".contains($0) }
    }

    static func matchChars(_ p: ArraySlice<Character>, _ s: ArraySlice<Character>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        switch c {
        case "*":
            let rest = p.dropFirst()
            for skip in 0...s.count where matchChars(rest, s.dropFirst(skip)) { return true }
            return false
        case "?":
            guard !s.isEmpty else { return false }
            return matchChars(p.dropFirst(), s.dropFirst())
        case "[":
            guard let ch = s.first, let result = matchClass(p.dropFirst(), ch), result.0 else { return false }
            return matchChars(result.1, s.dropFirst())
        case "\\":
            let q = p.dropFirst()
            guard let lit = q.first, s.first == lit else { return false }
            return matchChars(q.dropFirst(), s.dropFirst())
        default:
            guard s.first == c else { return false }
            return matchChars(p.dropFirst(), s.dropFirst())
        }
    }

    /// Matches `ch` against the class starting after `[`; returns the pattern after `]`.
    static func matchClass(_ p: ArraySlice<Character>, _ ch: Character) -> (Bool, ArraySlice<Character>)? {
        var p = p
        var negate = false
        if let f = p.first, f == "^" || f == "!" { negate = true; p = p.dropFirst() }
        var matched = false
        var first = true
        while let c = p.first {
            if c == "]", !first { return (matched != negate, p.dropFirst()) }
            first = false
            var lo = c
            p = p.dropFirst()
            if lo == "\\" { guard let e = p.first else { return nil }; lo = e; p = p.dropFirst() }
            var hi = lo
            if p.first == "-", let h = p.dropFirst().first, h != "]" {
                hi = h
                p = p.dropFirst(2)
                if hi == "\\" { guard let e = p.first else { return nil }; hi = e; p = p.dropFirst() }
            }
            if lo <= ch && ch <= hi { matched = true }
        }
        return nil
    }
}
