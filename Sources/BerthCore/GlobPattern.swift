/// Go's `path.Match` for the image `reference` filter: `*` is any run of characters but `/`, `?` one such
/// character, `[...]` a class (`[^...]` negated, ranges `a-z`), `\` quotes the next character. Pure.
public enum GlobPattern {
    /// Whether `name` matches `pattern` whole; a malformed pattern matches nothing.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        match(Array(pattern), 0, Array(name), 0)
    }

    private static func match(_ p: [Character], _ pi: Int, _ s: [Character], _ si: Int) -> Bool {
        var pi = pi, si = si
        while pi < p.count {
            switch p[pi] {
            case "*":
                // Try every split, never crossing a '/'.
                var k = si
                while true {
                    if match(p, pi + 1, s, k) { return true }
                    if k == s.count || s[k] == "/" { return false }
                    k += 1
                }
            case "?":
                guard si < s.count, s[si] != "/" else { return false }
                pi += 1; si += 1
            case "[":
                guard si < s.count, s[si] != "/", let (ok, next) = matchClass(p, pi + 1, s[si]), ok else { return false }
                pi = next; si += 1
            case "\\":
                guard pi + 1 < p.count, si < s.count, s[si] == p[pi + 1] else { return false }
                pi += 2; si += 1
            default:
                guard si < s.count, s[si] == p[pi] else { return false }
                pi += 1; si += 1
            }
        }
        return si == s.count
    }

    /// Matches `c` against the class starting at `start` (just past `[`): (matched, index past `]`), nil if malformed.
    private static func matchClass(_ p: [Character], _ start: Int, _ c: Character) -> (Bool, Int)? {
        var i = start
        var negated = false
        if i < p.count, p[i] == "^" { negated = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count {
            if p[i] == "]", !first { return (matched != negated, i + 1) }
            first = false
            var lo = p[i]
            if lo == "\\" { i += 1; guard i < p.count else { return nil }; lo = p[i] }
            var hi = lo
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                hi = p[i + 2]
                if hi == "\\" { guard i + 3 < p.count else { return nil }; hi = p[i + 3]; i += 1 }
                i += 2
            }
            if lo <= c && c <= hi { matched = true }
            i += 1
        }
        return nil
    }
}
