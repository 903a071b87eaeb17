#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `filters` query parameter of the Engine API's list, prune and events endpoints, in both of docker's forms:
/// `{"name":{"web":true}}` (the CLI) and `{"name":["web"]}` (docker-py and old CLIs). Values of one key are
/// alternatives; different keys must all match. Pure.
public struct FilterArgs: Sendable, Equatable {
    /// Each key's values, sorted.
    public var values: [String: [String]]

    public init(_ values: [String: [String]] = [:]) { self.values = values }

    /// Parses the query value; nil or empty text is no filter.
    public init(json text: String?) throws {
        guard let text, !text.isEmpty else {
            self.init()
            return
        }
        let data = Data(text.utf8)
        if let lists = try? JSONDecoder().decode([String: [String]].self, from: data) {
            self.init(lists.mapValues { $0.sorted() })
        } else if let maps = try? JSONDecoder().decode([String: [String: Bool]].self, from: data) {
            self.init(maps.mapValues { $0.filter(\.value).keys.sorted() })
        } else {
            throw FilterArgsError.malformed(text)
        }
    }

    /// The values given for `key` (empty when absent).
    public subscript(key: String) -> [String] { values[key] ?? [] }

    /// The first key not in `known`, if any (dockerd refuses it: "invalid filter 'KEY'").
    public func unknownKey(among known: Set<String>) -> String? {
        values.keys.sorted().first { !known.contains($0) }
    }

    /// Whether `labels` has every `label` filter: `key` (any value) or `key=value`.
    public func labelsMatch(_ labels: [String: String], key: String = "label") -> Bool {
        self[key].allSatisfy { Self.label($0, matches: labels) }
    }

    /// Whether `labels` has `wanted`: `key` (any value) or `key=value`.
    public static func label(_ wanted: String, matches labels: [String: String]) -> Bool {
        let parts = wanted.split(separator: "=", maxSplits: 1).map(String.init)
        guard let value = labels[parts[0]] else { return false }
        return parts.count == 1 || value == parts[1]
    }

    /// Whether `key` is absent or one of its values passes `test`.
    public func allows(_ key: String, _ test: (String) -> Bool) -> Bool {
        guard let list = values[key], !list.isEmpty else { return true }
        return list.contains(where: test)
    }
}

/// Why a `filters` value could not be read.
public enum FilterArgsError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let text): return "invalid filter: \(text)"
        }
    }
}
