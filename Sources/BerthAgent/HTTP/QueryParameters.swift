/// The decoded `name=value` pairs of a query string, in order, names possibly repeated.
///
/// Decoding follows Go's `url.ParseQuery`, as dockerd does: `+` is a space and `%XX` an escaped byte.
public struct QueryParameters: Sendable, Equatable {
    public private(set) var items: [(name: String, value: String)]

    public init(_ query: Substring) {
        items = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusAsSpace: true)
            let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: true) : ""
            return (name, value)
        }
    }

    /// The first value for `name`, or nil when absent.
    public subscript(_ name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// Every value for `name`, in order.
    public func values(_ name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    /// dockerd's boolean rule: absent, empty, `0`, `no`, `false` and `none` (any case) are false; the rest true.
    public func bool(_ name: String) -> Bool {
        guard let raw = self[name] else { return false }
        let value = raw.trimmingSpaces().lowercased()
        return !["", "0", "no", "false", "none"].contains(value)
    }

    /// The integer value of `name`, nil when absent or empty.
    /// - Throws: `APIError.invalidArgument` when present but not an integer.
    public func int(_ name: String) throws -> Int? {
        guard let raw = self[name], !raw.isEmpty else { return nil }
        guard let value = Int(raw) else {
            throw APIError.invalidArgument("invalid value for \(name): \(raw)")
        }
        return value
    }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.items.elementsEqual(rhs.items) { $0.name == $1.name && $0.value == $1.value }
    }
}

private extension String {
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
