// String helpers that FoundationEssentials does not provide (they live in full Foundation, which would
// bring ICU into the static agent). Each one keeps the behaviour of the Foundation call it replaces.

extension StringProtocol {
    /// Every occurrence of `target` replaced by `replacement`, compared literally scalar by scalar: what
    /// `replacingOccurrences(of:with:)` does for the ASCII targets Berth uses, except that Foundation's
    /// non-literal search skipped a target followed by a combining mark (`'` + U+0301). Replacing it too is
    /// what `shellquote` needs: a skipped `'` would end the quoting early.
    func replacingEvery(_ target: String, with replacement: String) -> String {
        let needle = Array(target.unicodeScalars)
        guard !needle.isEmpty else { return String(self) }
        let hay = Array(unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < hay.count {
            if hay[i] == needle[0], i + needle.count <= hay.count, Array(hay[i..<(i + needle.count)]) == needle {
                out.append(contentsOf: replacement.unicodeScalars)
                i += needle.count
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        return String(out)
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)`: Unicode's White_Space property (Zs, TAB, LF, VT,
    /// FF, CR, NEL, LS, PS) plus ZERO WIDTH SPACE, which Foundation's set also holds.
    package func trimmingWhitespaceAndNewlines() -> String {
        trimmingScalars { $0.properties.isWhitespace || $0 == "\u{200B}" }
    }

    /// `trimmingCharacters(in: .whitespaces)`: the space separators (Zs), TAB and ZERO WIDTH SPACE.
    package func trimmingWhitespace() -> String {
        trimmingScalars { $0 == "\t" || $0 == "\u{200B}" || $0.properties.generalCategory == .spaceSeparator }
    }

    private func trimmingScalars(where trim: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !trim($0) }),
              let last = scalars.lastIndex(where: { !trim($0) }) else { return "" }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: scalars[first...last])
        return String(kept)
    }

    /// `caseInsensitiveCompare(_:) == .orderedSame`: equal after full Unicode case folding (ß = SS, ς = σ,
    /// ﬁ = FI, but ı ≠ I), with Swift's canonical equivalence standing in for Foundation's non-literal
    /// comparison (é = e + U+0301).
    func equalsIgnoringCase<T: StringProtocol>(_ other: T) -> Bool {
        if self == other { return true }
        return caseFolded() == other.caseFolded()
    }

    /// Full case folding built from the standard library's case mappings: each scalar that changes when
    /// case-folded becomes the first of lower(c), lower(upper(c)), upper(c) that is stable under folding.
    func caseFolded() -> String {
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            out.append(contentsOf: Self.caseFolded(scalar, depth: 0).unicodeScalars)
        }
        return String(out)
    }

    private static func caseFolded(_ scalar: Unicode.Scalar, depth: Int) -> String {
        let c = String(scalar)
        guard scalar.properties.changesWhenCaseFolded else { return c }
        let lower = c.lowercased(), upper = c.uppercased()
        let stable = { (s: String) in s.unicodeScalars.allSatisfy { !$0.properties.changesWhenCaseFolded } }
        if let folded = [lower, upper.lowercased(), upper].first(where: stable) { return folded }
        // ẞ lower-cases to ß, which folds further to "ss".
        guard depth < 2 else { return lower }
        return lower.unicodeScalars.map { caseFolded($0, depth: depth + 1) }.joined()
    }
}
