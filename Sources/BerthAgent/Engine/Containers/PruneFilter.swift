import BerthCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `filters` of the prune endpoints: `dangling` (images only), `until` (a Unix time, an RFC 3339 time or a Go duration such as `24h`,
/// meaning that long ago), `label` and `label!` (`key` or `key=value`). Anything else is refused as dockerd does.
struct PruneFilter: Sendable, Equatable {
    var until: Int?
    var labels: [String] = []
    var notLabels: [String] = []
    /// `dangling` of `POST /images/prune` (only untagged images; the default): false prunes every unused image.
    var dangling = true

    init() {}

    init(query: String?, now: Int = Int(Date().timeIntervalSince1970), allowDangling: Bool = false) throws {
        let values = try FilterArgs.parse(query).values
        for (key, list) in values {
            switch key {
            case "until":
                guard let value = list.first, let time = Self.time(value, now: now) else {
                    throw APIError.invalidArgument("invalid filter 'until=\(list.first ?? "")'")
                }
                until = time
            case "label": labels = list
            case "label!": notLabels = list
            case "dangling" where allowDangling:
                guard let value = list.first, let flag = ["true": true, "1": true, "false": false, "0": false][value] else {
                    throw APIError.invalidArgument("invalid filter 'dangling=\(list.first ?? "")'")
                }
                dangling = flag
            default: throw APIError.invalidArgument("invalid filter '\(key)'")
            }
        }
    }

    /// Unix seconds of `value`.
    static func time(_ value: String, now: Int) -> Int? {
        if let seconds = Double(value) { return Int(seconds) }
        if let last = value.last, let n = Double(value.dropLast()) {
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
            if let unit = units[last] { return now - Int(n * unit) }
        }
        let parsed = RFC3339Seconds.parse(value)
        return parsed > 0 ? parsed : nil
    }

    /// Whether an object created at `created` (Unix seconds) with `labels` is pruned.
    func matches(created: Int, labels objectLabels: [String: String]) -> Bool {
        if let until, created >= until { return false }
        if !labels.allSatisfy({ FilterArgs.label($0, matches: objectLabels) }) { return false }
        if notLabels.contains(where: { FilterArgs.label($0, matches: objectLabels) }) { return false }
        return true
    }
}
