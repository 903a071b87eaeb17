#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `ls --filter key=value` options, as docker-machine parses and applies them.
///
/// Keys (case-insensitive): `driver`, `state` (both compared case-insensitively), `name` (a regular
/// expression, unanchored: `lab` matches `mylab2`), `label` (`label=key=value`, the value compared
/// case-insensitively; `label=key` alone matches any value) and `swarm`. Values given for the same key
/// are ORed; different keys are ANDed.
public struct LsFilter: @unchecked Sendable {
    public private(set) var drivers: [String] = []
    public private(set) var states: [String] = []
    public private(set) var names: [String] = []
    public private(set) var labels: [String] = []
    public private(set) var swarms: [String] = []
    private var nameExpressions: [Regex<AnyRegexOutput>] = []

    /// Parses `--filter` values. Throws `BerthError.invalidArgument` with docker-machine's messages:
    /// `Unsupported filter syntax`, `Unsupported filter key 'x'`, or a bad name regexp.
    public init(parsing filters: [String]) throws {
        for filter in filters {
            guard let eq = filter.firstIndex(of: "=") else {
                throw BerthError.invalidArgument("Unsupported filter syntax")
            }
            let key = filter[..<eq].lowercased()
            let value = String(filter[filter.index(after: eq)...])
            switch key {
            case "driver": drivers.append(value)
            case "state": states.append(value)
            case "label": labels.append(value)
            case "swarm": swarms.append(value)
            case "name":
                do {
                    // Code point by code point, like Go's regexp (and ICU before): `.` is one scalar and
                    // there is no canonical equivalence.
                    nameExpressions.append(try Regex(value).matchingSemantics(.unicodeScalar))
                } catch {
                    throw BerthError.invalidArgument("error parsing regexp: invalid name filter `\(value)`")
                }
                names.append(value)
            default:
                throw BerthError.invalidArgument("Unsupported filter key '\(key)'")
            }
        }
    }

    /// No filter at all: every machine passes.
    public var isEmpty: Bool {
        drivers.isEmpty && states.isEmpty && names.isEmpty && labels.isEmpty && swarms.isEmpty
    }

    /// Whether matching needs the machine's state (so the machine must be queried first).
    public var needsState: Bool { !states.isEmpty }

    /// Whether a machine passes. `state` may be nil when not known; a state filter then fails.
    public func matches(name: String, driverName: String, state: String?, labels machineLabels: [String],
                        swarm: String = "") -> Bool {
        let driverOK = drivers.isEmpty || drivers.contains { $0.equalsIgnoringCase(driverName) }
        let stateOK = states.isEmpty || states.contains { s in
            state.map { s.equalsIgnoringCase($0) } ?? false
        }
        // Unanchored search, like Go's regexp.MatchString: `lab` matches `mylab2`.
        let nameOK = nameExpressions.isEmpty || nameExpressions.contains { name.contains($0) }
        let labelOK = labels.isEmpty || labels.contains { LsFilter.label($0, matchesAnyOf: machineLabels) }
        let master = swarm.hasSuffix(" (master)") ? String(swarm.dropLast(" (master)".count)) : swarm
        let swarmOK = swarms.isEmpty || swarms.contains { !master.isEmpty && $0.equalsIgnoringCase(master) }
        return driverOK && stateOK && nameOK && labelOK && swarmOK
    }

    /// Whether an `ls` row passes.
    public func matches(_ entry: MachineListEntry) -> Bool {
        matches(name: entry.name, driverName: entry.driverName, state: entry.state, labels: entry.labels,
                swarm: entry.swarm)
    }

    /// Keeps the rows that pass.
    public func apply(_ entries: [MachineListEntry]) -> [MachineListEntry] {
        entries.filter(matches)
    }

    private static func label(_ wanted: String, matchesAnyOf machineLabels: [String]) -> Bool {
        let parts = wanted.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(parts[0])
        for label in machineLabels {
            let kv = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard String(kv[0]) == key else { continue }
            if parts.count < 2 { return true }
            let value = kv.count > 1 ? String(kv[1]) : ""
            if value.equalsIgnoringCase(parts[1]) { return true }
        }
        return false
    }
}
