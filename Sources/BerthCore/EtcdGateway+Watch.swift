#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EtcdGateway {
    /// One key range to watch on a stream: every key under `prefix`, from `startRevision` on (0: from now).
    public struct WatchRange: Equatable, Sendable {
        public var prefix: String
        public var startRevision: Int64

        public init(prefix: String, startRevision: Int64) {
            self.prefix = prefix
            self.startRevision = startRevision
        }
    }

    /// A change seen by a watch: a key written (`value` its new value) or deleted, at `revision`.
    public struct WatchEvent: Equatable, Sendable {
        public enum Kind: String, Sendable { case put, delete }
        public var kind: Kind
        public var key: String
        /// The new value for a put, empty for a delete.
        public var value: String
        /// The store revision of the change (the key's mod_revision).
        public var revision: Int64
        /// The lease the key is attached to, 0 for none (or a delete).
        public var lease: Int64

        public init(kind: Kind, key: String, value: String = "", revision: Int64, lease: Int64 = 0) {
            self.kind = kind
            self.key = key
            self.value = value
            self.revision = revision
            self.lease = lease
        }
    }

    /// One message of a watch stream, as the gateway sends it (one JSON object per line, wrapped in `result`).
    public enum WatchMessage: Equatable, Sendable {
        /// The watcher `watchID` is set up; `revision` is the store's revision at that moment.
        case created(watchID: Int64, revision: Int64)
        /// Changes for watcher `watchID`, in revision order.
        case events(watchID: Int64, [WatchEvent])
        /// The start revision was compacted away: the watcher is cancelled and the keys must be listed again.
        case compacted(watchID: Int64, compactRevision: Int64)
        /// The watcher ended for another reason (etcd's `cancel_reason`, possibly empty).
        case canceled(watchID: Int64, reason: String)
        /// A message with no events (a progress notification): the store is at `revision`.
        case progress(watchID: Int64, revision: Int64)
    }

    /// Opens one watch stream holding a watcher per range, numbered from 1 in order (etcd 3.4 takes the IDs we
    /// give). The stream stays open; each answer line is a ``WatchMessage``.
    public static func watch(_ ranges: [WatchRange]) -> Request {
        let creates = ranges.enumerated().map { index, range -> String in
            var fields = [("key", quoted(base64(range.prefix))),
                          ("range_end", quoted(base64(bytes: rangeEnd(prefix: range.prefix))))]
            if range.startRevision > 0 { fields.append(("start_revision", quoted(String(range.startRevision)))) }
            fields.append(("watch_id", quoted(String(index + 1))))
            return object([("create_request", object(fields))])
        }
        return Request(path: "/v3/watch", body: creates.joined(separator: "\n"))
    }

    /// Decodes one line of a watch stream; etcd's errors (a stream error object) are thrown.
    public static func decodeWatch(_ line: String) throws -> WatchMessage {
        let o = try answer(line)
        guard let result = o["result"], result.objectValue != nil else {
            throw BerthError.failed("etcd: a watch message without a result: \(line.prefix(200))")
        }
        func int(_ v: JSONValue?) -> Int64 { v?.stringValue.flatMap { Int64($0) } ?? 0 }
        let id = int(result["watch_id"])
        let revision = int(result["header"]?["revision"])
        let compact = int(result["compact_revision"])
        if compact > 0 { return .compacted(watchID: id, compactRevision: compact) }
        if case .bool(true)? = result["canceled"] {
            return .canceled(watchID: id, reason: result["cancel_reason"]?.stringValue ?? "")
        }
        if case .bool(true)? = result["created"] { return .created(watchID: id, revision: revision) }
        guard case .array(let items)? = result["events"] else { return .progress(watchID: id, revision: revision) }
        let events = items.compactMap { item -> WatchEvent? in
            guard let kv = item["kv"], let key = kv["key"]?.stringValue.flatMap(unbase64) else { return nil }
            let kind: WatchEvent.Kind = item["type"]?.stringValue == "DELETE" ? .delete : .put
            return WatchEvent(kind: kind, key: key, value: kv["value"]?.stringValue.flatMap(unbase64) ?? "",
                              revision: int(kv["mod_revision"]), lease: int(kv["lease"]))
        }
        return .events(watchID: id, events)
    }

    /// Cuts a watch stream's bytes into lines, however the chunks fall: feed it what arrives, take whole lines.
    public struct LineSplitter: Sendable {
        private var pending: [UInt8] = []

        public init() {}

        /// The complete lines in `bytes` and what came before, without their newlines; empty lines are skipped.
        public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
            pending.append(contentsOf: bytes)
            var lines: [String] = []
            var start = 0
            for (index, byte) in pending.enumerated() where byte == UInt8(ascii: "\n") {
                if index > start { lines.append(String(decoding: pending[start..<index], as: UTF8.self)) }
                start = index + 1
            }
            pending.removeFirst(start)
            return lines
        }

        /// Bytes of an unfinished line.
        public var buffered: Int { pending.count }
    }
}
