import BerthCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `filters` of `GET /containers/json` (`docker ps --filter`): name, id, status, label, ancestor, exited.
/// Values of one key are alternatives (OR); different keys must all match (AND), as in dockerd.
struct ContainerFilter: Sendable, Equatable {
    static let supported: Set<String> = ["name", "id", "status", "label", "ancestor", "exited", "health"]
    static let statuses: Set<String> = ["created", "restarting", "running", "removing", "paused", "exited", "dead"]

    var values: [String: [String]] = [:]

    init() {}

    /// Parses the query value: `{"name":{"web":true}}` (current CLIs) or `{"name":["web"]}` (old ones).
    init(query: String?) throws {
        values = try FilterArgs.parse(query).values
        for (key, list) in values {
            guard Self.supported.contains(key) else { throw APIError.invalidArgument("invalid filter '\(key)'") }
            if key == "status" {
                for value in list where !Self.statuses.contains(value) {
                    throw APIError.invalidArgument("invalid filter 'status=\(value)'")
                }
            }
            if key == "exited" {
                for value in list where Int(value) == nil {
                    throw APIError.invalidArgument("invalid filter 'exited=\(value)'")
                }
            }
        }
    }

    /// A status filter lists stopped containers too, as `-a` does.
    var impliesAll: Bool { values["status"] != nil || values["exited"] != nil }

    func matches(_ record: ContainerRecord, imageNames: [String] = []) -> Bool {
        for (key, list) in values where !list.isEmpty {
            let hit: Bool
            switch key {
            case "name":
                hit = list.contains { v in
                    let bare = v.hasPrefix("/") ? String(v.dropFirst()) : v
                    return record.name.contains(bare)
                }
            case "id":
                hit = list.contains { record.id.hasPrefix($0) }
            case "status":
                hit = list.contains(record.state.Status)
            case "health":
                hit = list.contains(record.state.Health?.Status ?? "none")
            case "exited":
                hit = record.state.Status == "exited" && list.contains(String(record.state.ExitCode))
            case "label":
                let labels = record.config.Labels ?? [:]
                hit = list.allSatisfy { v in
                    let kv = v.split(separator: "=", maxSplits: 1).map(String.init)
                    guard let value = labels[kv[0]] else { return false }
                    return kv.count == 1 || value == kv[1]
                }
            case "ancestor":
                hit = list.contains { v in
                    let bareID = record.imageID.hasPrefix("sha256:") ? String(record.imageID.dropFirst(7)) : record.imageID
                    let wanted = v.hasPrefix("sha256:") ? String(v.dropFirst(7)) : v
                    if wanted.count >= 4, bareID.hasPrefix(wanted) { return true }
                    let names = [record.imageName] + imageNames
                    return names.contains(v) || names.contains(v + ":latest")
                        || (v.hasSuffix(":latest") && names.contains(String(v.dropLast(7))))
                }
            default:
                hit = true
            }
            if !hit { return false }
        }
        return true
    }
}
