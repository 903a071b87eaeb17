#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EtcdGateway {
    /// Ends a lease at once: the keys attached to it go with it.
    public static func revokeLease(_ lease: Int64) -> Request {
        Request(path: "/v3/lease/revoke", body: object([("ID", quoted(String(lease)))]))
    }

    /// The seconds a lease has left (`/v3/lease/timetolive`).
    public static func timeToLive(_ lease: Int64) -> Request {
        Request(path: "/v3/lease/timetolive", body: object([("ID", quoted(String(lease)))]))
    }

    /// The TTL left, -1 when the lease is gone.
    public static func decodeTimeToLive(_ body: String) throws -> Int64 {
        try answer(body)["TTL"]?.stringValue.flatMap { Int64($0) } ?? -1
    }

    /// Every key starting with `prefix` removed in one request.
    public static func delete(prefix: String) -> Request {
        Request(path: "/v3/kv/deleterange",
                body: object([("key", quoted(base64(prefix))),
                              ("range_end", quoted(base64(bytes: rangeEnd(prefix: prefix))))]))
    }

    /// The TTL a keep-alive left the lease with, 0 when the lease is gone (expired or revoked): etcd then answers
    /// with the ID alone. The gateway wraps this streaming call's answer in `result`.
    public static func decodeKeepAlive(_ body: String) throws -> Int64 {
        let o = try answer(firstLine(body))
        let result = o["result"] ?? o
        return result["TTL"]?.stringValue.flatMap { Int64($0) } ?? 0
    }

    /// The revision in an answer's header, 0 when it has none.
    public static func decodeRevision(_ body: String) throws -> Int64 {
        try answer(body)["header"]?["revision"]?.stringValue.flatMap { Int64($0) } ?? 0
    }

    /// A streamed answer is one JSON object per line; unary calls read the first.
    static func firstLine(_ body: String) -> String {
        body.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? body
    }

    static func base64(bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
