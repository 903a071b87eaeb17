#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// etcd v3 through its JSON gateway, as requests and responses only: a transport (libcurl in `berth`, NIO in the
/// agent) posts `Request.body` to `Request.path` and hands the answer back here. Keys and values travel in base64;
/// 64-bit numbers come back as strings and zero or false fields are left out.
public enum EtcdGateway {
    public struct Request: Equatable, Sendable {
        public var path: String
        public var body: String

        public init(path: String, body: String) {
            self.path = path
            self.body = body
        }
    }

    public struct KeyValue: Equatable, Sendable {
        public var key: String
        public var value: String
        public var modRevision: Int64
        /// The etcd lease the key is attached to, 0 for none.
        public var lease: Int64

        public init(key: String, value: String, modRevision: Int64, lease: Int64) {
            self.key = key
            self.value = value
            self.modRevision = modRevision
            self.lease = lease
        }
    }

    public static func put(_ key: String, _ value: String, lease: Int64 = 0) -> Request {
        var fields = [("key", quoted(base64(key))), ("value", quoted(base64(value)))]
        if lease != 0 { fields.append(("lease", quoted(String(lease)))) }
        return Request(path: "/v3/kv/put", body: object(fields))
    }

    public static func get(_ key: String) -> Request {
        Request(path: "/v3/kv/range", body: object([("key", quoted(base64(key)))]))
    }

    /// Every key starting with `prefix`.
    public static func list(prefix: String) -> Request {
        Request(path: "/v3/kv/range",
                body: object([("key", quoted(base64(prefix))),
                                     ("range_end", quoted(Data(rangeEnd(prefix: prefix)).base64EncodedString()))]))
    }

    public static func delete(_ key: String) -> Request {
        Request(path: "/v3/kv/deleterange", body: object([("key", quoted(base64(key)))]))
    }

    /// Writes `key` only if it does not exist (its version is 0): how flannel takes a lease.
    public static func createIfAbsent(_ key: String, _ value: String, lease: Int64 = 0) -> Request {
        let compare = object([("key", quoted(base64(key))), ("result", quoted("EQUAL")), ("target", quoted("VERSION")),
                              ("version", quoted("0"))])
        let put = put(key, value, lease: lease).body
        return Request(path: "/v3/kv/txn", body: object([("compare", "[\(compare)]"),
                                                         ("success", "[{\"request_put\":\(put)}]")]))
    }

    public static func grantLease(ttl: Int) -> Request {
        Request(path: "/v3/lease/grant", body: object([("TTL", quoted(String(ttl)))]))
    }

    public static func keepAlive(lease: Int64) -> Request {
        Request(path: "/v3/lease/keepalive", body: object([("ID", quoted(String(lease)))]))
    }

    /// The end of the key range holding every key with `prefix`, as bytes: the prefix with its last byte
    /// incremented (bytes of 0xff dropped first); a single zero byte (every key) for an empty prefix.
    public static func rangeEnd(prefix: String) -> [UInt8] {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return [0]
    }

    /// The keys of a range answer and the store's revision.
    public static func decodeRange(_ body: String) throws -> (kvs: [KeyValue], revision: Int64) {
        let o = try answer(body)
        let revision = o["header"]?["revision"]?.stringValue.flatMap { Int64($0) } ?? 0
        guard case .array(let items)? = o["kvs"] else { return ([], revision) }
        let kvs = items.compactMap { item -> KeyValue? in
            guard let k = item["key"]?.stringValue.flatMap(unbase64) else { return nil }
            return KeyValue(key: k, value: item["value"]?.stringValue.flatMap(unbase64) ?? "",
                            modRevision: item["mod_revision"]?.stringValue.flatMap { Int64($0) } ?? 0,
                            lease: item["lease"]?.stringValue.flatMap { Int64($0) } ?? 0)
        }
        return (kvs, revision)
    }

    /// Whether a transaction's comparisons held (a failed one has no `succeeded` key).
    public static func decodeTxn(_ body: String) throws -> Bool {
        if case .bool(true)? = try answer(body)["succeeded"] { return true }
        return false
    }

    public static func decodeLease(_ body: String) throws -> Int64 {
        guard let id = try answer(body)["ID"]?.stringValue.flatMap({ Int64($0) }) else {
            throw BerthError.failed("etcd: a lease grant without an ID")
        }
        return id
    }

    /// The answer as an object, or etcd's own error as a `BerthError`.
    public static func answer(_ body: String) throws -> JSONValue {
        guard let o = try? JSONValue.parse(body), o.objectValue != nil else {
            throw BerthError.failed("etcd: an answer that is not JSON: \(body.prefix(200))")
        }
        // Unary calls put the message in `error` (and `message`); streams send `{"error":{"message":...}}`.
        if let message = o["error"]?.stringValue ?? o["error"]?["message"]?.stringValue ?? o["message"]?.stringValue {
            throw BerthError.failed("etcd: \(message)")
        }
        return o
    }

    static func base64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
    static func unbase64(_ s: String) -> String? { Data(base64Encoded: s).map { String(decoding: $0, as: UTF8.self) } }
    static func quoted(_ s: String) -> String { "\"\(s)\"" }
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
