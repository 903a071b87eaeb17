import BerthCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthRuntime
import NIOConcurrencyHelpers

/// One event as dockerd's `GET /events` streams it (API 1.22+ fields, plus the old `status`/`id`/`from` that the
/// CLI's default format and older clients read for containers).
public struct EngineEvent: Codable, Sendable, Equatable {
    public struct Actor: Codable, Sendable, Equatable {
        public var ID: String
        public var Attributes: [String: String]
    }
    public var status: String?
    public var id: String?
    public var from: String?
    public var `Type`: String
    public var Action: String
    public var Actor: Actor
    public var scope: String
    public var time: Int64
    public var timeNano: Int64

    public init(type: String, action: String, id: String, attributes: [String: String], timeNano: Int64) {
        self.Type = type
        self.Action = action
        self.Actor = .init(ID: id, Attributes: attributes)
        scope = "local"
        self.timeNano = timeNano
        time = timeNano / 1_000_000_000
        if type == "container" || type == "image" {
            status = action
            self.id = id
            from = type == "container" ? attributes["image"] : nil
        }
    }
}

/// The engine's events: the last ones kept for `since`, and live subscribers (one per `GET /events` stream).
public final class EngineEventLog: Sendable {
    public static let kept = 1024
    private struct State {
        var recent: [EngineEvent] = []
        var subscribers: [Int: AsyncStream<EngineEvent>.Continuation] = [:]
        var next = 0
    }
    private let state = NIOLockedValueBox(State())

    public init() {}

    public func publish(type: String, action: String, id: String, attributes: [String: String] = [:]) {
        let now = Timestamp.Instant.now()
        let event = EngineEvent(type: type, action: action, id: id, attributes: attributes,
                                timeNano: Int64(now.seconds) * 1_000_000_000 + Int64(now.nanoseconds))
        let subscribers = state.withLockedValue { s -> [AsyncStream<EngineEvent>.Continuation] in
            s.recent.append(event)
            if s.recent.count > Self.kept { s.recent.removeFirst(s.recent.count - Self.kept) }
            return Array(s.subscribers.values)
        }
        for c in subscribers { c.yield(event) }
    }

    /// The kept events and a stream of the ones after them, with no gap or repeat between the two.
    public func subscribe() -> (past: [EngineEvent], live: AsyncStream<EngineEvent>, token: Int) {
        let (stream, continuation) = AsyncStream<EngineEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let (past, token) = state.withLockedValue { s -> ([EngineEvent], Int) in
            s.next += 1
            s.subscribers[s.next] = continuation
            return (s.recent, s.next)
        }
        return (past, stream, token)
    }

    public func unsubscribe(_ token: Int) {
        let c = state.withLockedValue { $0.subscribers.removeValue(forKey: token) }
        c?.finish()
    }

    public var recent: [EngineEvent] { state.withLockedValue { $0.recent } }
}

/// `filters` of `GET /events`: each key's values are alternatives, keys all must match (as dockerd).
public struct EventFilter: Sendable, Equatable {
    public var filters: [String: [String]]

    public init(_ filters: [String: [String]] = [:]) { self.filters = filters }

    static let known = ["type", "event", "container", "image", "label", "network", "volume", "scope", "daemon", "plugin",
                        "node", "service", "secret", "config"]

    /// Reads the query's `filters` JSON (`{"type":["container"]}` or the old `{"type":{"container":true}}`).
    public static func parse(_ text: String?) throws -> EventFilter {
        let out = try FilterArgs.parse(text).values
        for key in out.keys where !known.contains(key) { throw APIError.invalidArgument("invalid filter '\(key)'") }
        return EventFilter(out)
    }

    public func matches(_ e: EngineEvent) -> Bool {
        for (key, values) in filters where !values.isEmpty {
            let attrs = e.Actor.Attributes
            let ok: Bool
            switch key {
            case "type": ok = values.contains(e.Type)
            case "event": ok = values.contains(e.Action) || values.contains { e.Action.hasPrefix($0 + ":") }
            case "scope": ok = values.contains(e.scope)
            case "container":
                ok = e.Type == "container" && values.contains { v in
                    v == attrs["name"] || (v.count >= 1 && e.Actor.ID.hasPrefix(v)) }
            case "image":
                ok = values.contains { v in
                    v == attrs["image"] || (e.Type == "image" && (e.Actor.ID == v || attrs["name"] == v)) }
            case "network":
                ok = e.Type == "network" && values.contains { v in v == attrs["name"] || e.Actor.ID.hasPrefix(v) }
            case "volume": ok = e.Type == "volume" && values.contains(e.Actor.ID)
            case "label":
                ok = values.contains { v in
                    let parts = v.split(separator: "=", maxSplits: 1).map(String.init)
                    guard let value = attrs[parts[0]] else { return false }
                    return parts.count == 1 || value == parts[1]
                }
            default: ok = false
            }
            if !ok { return false }
        }
        return true
    }
}
