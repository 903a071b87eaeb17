import BerthCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `filters` query parameter of `GET /volumes` and `POST /volumes/prune`: `{"name":{"x":true}}` (or the old
/// `{"name":["x"]}`), parsed and applied. Pure.
struct VolumeFilters: Equatable {
    var values: [String: [String]] = [:]

    static let known: Set<String> = ["name", "label", "label!", "dangling", "driver", "all"]

    init(json: String?) throws {
        values = try FilterArgs.parse(json).values
        for key in values.keys.sorted() where !Self.known.contains(key) {
            throw APIError.invalidArgument("invalid filter '\(key)'")
        }
        for value in values["dangling"] ?? [] where !["true", "false", "1", "0"].contains(value.lowercased()) {
            throw APIError.invalidArgument("invalid filter 'dangling=\(value)'")
        }
    }

    /// `all=true` (prune: named volumes too).
    var all: Bool { (values["all"] ?? []).contains { ["true", "1"].contains($0.lowercased()) } }

    /// Whether `volume` (used by `inUse` containers) passes every filter.
    func matches(_ volume: Volume, inUse: Bool) -> Bool {
        if let names = values["name"], !names.isEmpty, !names.contains(where: { volume.Name.contains($0) }) {
            return false
        }
        if let drivers = values["driver"], !drivers.isEmpty, !drivers.contains(volume.Driver) { return false }
        if let dangling = values["dangling"], let first = dangling.first {
            let want = ["true", "1"].contains(first.lowercased())
            if want == inUse { return false }
        }
        for label in values["label"] ?? [] where !Self.hasLabel(volume.Labels, label) { return false }
        for label in values["label!"] ?? [] where Self.hasLabel(volume.Labels, label) { return false }
        return true
    }

    /// `key` or `key=value`.
    static func hasLabel(_ labels: [String: String], _ filter: String) -> Bool {
        let parts = filter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let value = labels[parts[0]] else { return false }
        return parts.count == 1 || value == parts[1]
    }
}
