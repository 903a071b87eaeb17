/// A route path such as `/containers/{id}/start` or `/images/{name*}/json`.
///
/// Segments are literals, `{name}` (exactly one segment) or `{name*}` (one or more segments, for image names
/// with slashes). Matching is done on percent-decoded segments; empty segments are ignored.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    let segments: [Segment]
    public let description: String

    public init(_ pattern: String) {
        description = pattern
        segments = pattern.split(separator: "/").map { part in
            guard part.count > 2, part.first == "{", part.last == "}" else { return .literal(String(part)) }
            let name = part.dropFirst().dropLast()
            return name.last == "*" ? .rest(String(name.dropLast())) : .parameter(String(name))
        }
    }

    /// Orders patterns so the most specific is tried first: literal before `{name}` before `{name*}`, left to right.
    var specificity: [Int] {
        segments.map {
            switch $0 {
            case .literal: return 0
            case .parameter: return 1
            case .rest: return 2
            }
        }
    }

    /// The parameters if `path` (its decoded segments) matches, else nil.
    func match(_ path: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        return Self.match(segments[...], path[...], &parameters) ? parameters : nil
    }

    private static func match(_ pattern: ArraySlice<Segment>, _ path: ArraySlice<String>,
                              _ parameters: inout [String: String]) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        switch head {
        case .literal(let literal):
            guard path.first == literal else { return false }
            return match(pattern.dropFirst(), path.dropFirst(), &parameters)
        case .parameter(let name):
            guard let value = path.first else { return false }
            parameters[name] = value
            return match(pattern.dropFirst(), path.dropFirst(), &parameters)
        case .rest(let name):
            let remaining = pattern.count - 1
            guard path.count > remaining else { return false }
            // Longest first, so `/images/{name*}/json` gives `library/busybox` for `/images/library/busybox/json`.
            for length in stride(from: path.count - remaining, through: 1, by: -1) {
                let split = path.index(path.startIndex, offsetBy: length)
                var attempt = parameters
                attempt[name] = path[..<split].joined(separator: "/")
                if match(pattern.dropFirst(), path[split...], &attempt) {
                    parameters = attempt
                    return true
                }
            }
            return false
        }
    }

    /// The percent-decoded, non-empty segments of a raw path.
    static func segments(of path: String) -> [String] {
        path.split(separator: "/").map { PercentDecoding.decode($0) }
    }
}
